import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";

/** The worker's Prometheus metrics, on their own registry. */
export class WorkerMetrics {
  readonly registry = new Registry();
  readonly changesSeen = new Counter({
    name: "immich_family_changes_seen_total",
    help: "Files added, removed or modified seen by the poller",
    labelNames: ["library"] as const,
    registers: [this.registry],
  });
  readonly scansTriggered = new Counter({
    name: "immich_family_scans_triggered_total",
    help: "Library scans requested from Immich",
    labelNames: ["library"] as const,
    registers: [this.registry],
  });
  readonly apiErrors = new Counter({
    name: "immich_family_api_errors_total",
    help: "Failed Immich API calls by kind (rate-limit, server, timeout, network, auth, forbidden, bad-request, not-found, malformed)",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });
  readonly lastSuccess = new Gauge({
    name: "immich_family_last_success_timestamp_seconds",
    help: "When a library was last polled (and scanned if needed) successfully",
    labelNames: ["library"] as const,
    registers: [this.registry],
  });
  readonly blocked = new Gauge({
    name: "immich_family_library_blocked",
    help: "1 while a library is not scanned because an import root is missing or empty",
    labelNames: ["library"] as const,
    registers: [this.registry],
  });
  readonly polls = new Counter({
    name: "immich_family_polls_total",
    help: "Polls of library trees",
    labelNames: ["library", "result"] as const,
    registers: [this.registry],
  });

  readonly albumSyncs = new Counter({
    name: "immich_family_album_syncs_total",
    help: "Folder-album syncs by depth (cheap: what changed; deep: everything) and result (ok, failed)",
    labelNames: ["library", "depth", "result"] as const,
    registers: [this.registry],
  });
  readonly albumOutcomes = new Counter({
    name: "immich_family_album_outcomes_total",
    help: "Albums by what a sync did to them: created, updated, repaired, failed, skipped (a bad .albumprops)",
    labelNames: ["library", "outcome"] as const,
    registers: [this.registry],
  });
  readonly albumLastSuccess = new Gauge({
    name: "immich_family_album_last_success_timestamp_seconds",
    help: "When a library's folder albums were last synced without a failure",
    labelNames: ["library"] as const,
    registers: [this.registry],
  });
  readonly albumSyncFailing = new Gauge({
    name: "immich_family_album_sync_failing",
    help: "1 while a library's last album sync failed (the worker is then not ready)",
    labelNames: ["library"] as const,
    registers: [this.registry],
  });
  readonly credentialsRejected = new Gauge({
    name: "immich_family_credentials_rejected",
    help: "1 while the server rejects the API key from `key` (an env var's name or a key file), or it is not set or another user's; the worker is then not ready",
    labelNames: ["key"] as const,
    registers: [this.registry],
  });
  readonly memberSyncs = new Counter({
    name: "immich_family_member_syncs_total",
    help: "Syncs of the family's accounts by depth (cheap: the account list; deep: also every preference and partner share) and result (ok, failed)",
    labelNames: ["depth", "result"] as const,
    registers: [this.registry],
  });
  readonly memberOutcomes = new Counter({
    name: "immich_family_member_outcomes_total",
    help: "Account changes by outcome: created, restored, updated, preferences, partnered, deleted, failed; and waiting (for a member's key or password) and held (the last admin, the key's own user)",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "immich_family_worker_" });
  }
}
