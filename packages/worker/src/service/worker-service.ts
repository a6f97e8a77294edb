import { createHash } from "node:crypto";
import { durationMs, type ImmichFamilySpec, PORTS } from "@family/immich-spec";
import { scanLibrary } from "@immich/sdk";
import { logAlbumSync } from "../albums/change-words.js";
import type { AlbumReconcileReport } from "../albums/reconcile.js";
import { LibraryPoller, type PollResult } from "../changes/library-poller.js";
import type { Walker } from "../changes/walker.js";
import { ImmichApiError } from "../client/api-error.js";
import { backoffDelay, sleep } from "../client/backoff.js";
import { ImmichClient, type ImmichClientOptions } from "../client/immich-client.js";
import { reconcileLibraries, type ResolvedLibrary } from "../libraries/reconcile.js";
import type { MembersReport } from "../members/reconcile.js";
import { waitForScan } from "../scan/wait-for-scan.js";
import { startHttpServer } from "./http-server.js";
import type { Logger } from "./logger.js";
import { WorkerMetrics } from "./metrics.js";

/** How the long-running worker service runs: server, key, spec, state folder, schedules, timeouts. */
export interface WorkerServiceOptions {
  readonly spec: ImmichFamilySpec;
  readonly url: string;
  readonly apiKey: string;
  /** Where the key came from (an env var's name or a key file), for the log, `/readyz` and the metric. @default "IMMICH_API_KEY" */
  readonly keyName?: string;
  readonly stateDir: string;
  readonly logger: Logger;
  /** Port of /healthz, /readyz, /metrics; 0 picks one. @default 9464 */
  readonly port?: number;
  /** @default "0.0.0.0" */
  readonly host?: string;
  /** One cycle (reconcile, poll each library, scan what changed) and return. */
  readonly once?: boolean;
  /**
   * Called after a triggered scan's jobs are done (the library queue is idle), e.g. to sync folder
   * albums: moved files become new assets, so albums must be reconciled after scans.
   */
  readonly afterScan?: (library: ResolvedLibrary & { readonly id: string }) => Promise<void>;
  /** Overrides for tests: poll interval and debounce of every library. */
  readonly intervalMs?: number;
  readonly debounceMs?: number;
  /** Every Nth poll stats every file to catch in-place rewrites. @default 12 */
  readonly deepEvery?: number;
  readonly requestTimeoutMs?: number;
  /** How often to read the queues while waiting for a scan before `afterScan`. @default 2000 */
  readonly queuePollMs?: number;
  readonly backoff?: { readonly baseMs?: number; readonly maxMs?: number; readonly attempts?: number };
  readonly walker?: Walker;
  /**
   * Sync one library's folder albums (`deep`: read every asset and every album's photos). The service
   * runs it for each library with `albums` at start, every `worker.albums.interval`, deep every
   * `worker.albums.deepInterval`, and after each scan of that library.
   */
  readonly reconcileAlbums?: (
    library: string,
    options: { readonly deep: boolean; readonly onError: NonNullable<ImmichClientOptions["onError"]> },
  ) => Promise<AlbumReconcileReport>;
  /** Overrides for tests: `worker.albums.interval` and `worker.albums.deepInterval`. */
  readonly albumIntervalMs?: number;
  readonly albumDeepIntervalMs?: number;
  /**
   * Sync the family's accounts (`deep`: also read every preference and partner share). The service runs
   * it at start, before the libraries (whose owners it creates), then every `worker.members.interval`,
   * deep every `worker.members.deepInterval`.
   */
  readonly reconcileMembers?: (options: { readonly deep: boolean; readonly onError: NonNullable<ImmichClientOptions["onError"]> }) => Promise<MembersReport>;
  /** Overrides for tests: `worker.members.interval` and `worker.members.deepInterval`. */
  readonly memberIntervalMs?: number;
  readonly memberDeepIntervalMs?: number;
}

interface MemberTask {
  nextAt: number;
  deepAt: number;
  failures: number;
  /** What the last sync reported as waiting, so it is logged when it changes, not every run. */
  waiting: string;
}

interface AlbumTask {
  readonly handle: string;
  nextAt: number;
  deepAt: number;
  failures: number;
  /** The last sync failed (or reported failures): not ready. */
  failing: boolean;
}

interface Tracked {
  readonly lib: ResolvedLibrary & { readonly id: string };
  readonly poller: LibraryPoller;
  readonly intervalMs: number;
  nextAt: number;
  polls: number;
  failures: number;
  /** Fingerprint of the change waiting for its debounce to pass. */
  pending: string | undefined;
}

/** Milliseconds as seconds for people: 30000 → 30, 1234 → 1.2. */
export const seconds = (ms: number): number => (ms >= 10_000 ? Math.round(ms / 1000) : Math.round(ms / 100) / 10);

/** The change a poll saw, independent of the order the walker listed files in (walkrs's order differs each time). */
export function fingerprint(poll: Extract<PollResult, { status: "changed" }>): string {
  const h = createHash("sha1");
  for (const list of [poll.diff.added, poll.diff.removed, poll.diff.modified]) h.update([...list].sort().join("\n")).update("\0");
  return `${poll.reason}:${h.digest("hex")}`;
}

/** The long-running worker: reconcile, poll each library on its interval, rescan on change, serve health and metrics. */
export class WorkerService {
  readonly metrics = new WorkerMetrics();
  private isReady = false;
  private running = false;
  private readonly abort = new AbortController();
  private client: ImmichClient;
  private http: Awaited<ReturnType<typeof startHttpServer>> | undefined;
  private readonly albumTasks: AlbumTask[] = [];
  /** Keys that cannot be used (rejected, not set, another user's), by where they come from: what to do about each. */
  private readonly badKeys = new Map<string, string>();
  private memberTask: MemberTask | undefined;

  constructor(private readonly options: WorkerServiceOptions) {
    const keyName = options.keyName ?? "IMMICH_API_KEY";
    this.client = new ImmichClient({
      baseUrl: options.url,
      apiKey: options.apiKey,
      keyName,
      signal: this.abort.signal,
      ...(options.requestTimeoutMs === undefined ? {} : { timeoutMs: options.requestTimeoutMs }),
      ...(options.backoff ? { backoff: options.backoff } : {}),
      onError: (kind, operation, willRetry, delayMs) => {
        if (kind === "auth")
          this.keyProblem(keyName, `the server rejects the API key in ${keyName} (401): put a valid admin API key there and restart the worker`);
        this.onApiError(kind, operation, willRetry, delayMs);
      },
    });
  }

  /** A key that cannot be used: said once in the log, kept in `/readyz` and the metric until it works. */
  private keyProblem(key: string, what: string): void {
    if (this.badKeys.get(key) !== what) this.options.logger.error({ key }, what);
    this.badKeys.set(key, what);
    this.metrics.credentialsRejected.set({ key }, 1);
  }

  /** A key worked: clear what was said about it. */
  private keyWorks(key: string): void {
    if (!this.badKeys.delete(key)) return;
    this.metrics.credentialsRejected.set({ key }, 0);
    this.options.logger.info({ key }, `the API key in ${key} works again`);
  }

  private readonly onApiError = (kind: Parameters<NonNullable<ImmichClientOptions["onError"]>>[0], operation: string, willRetry: boolean, delayMs: number) => {
    this.metrics.apiErrors.inc({ kind });
    this.options.logger.warn({ kind, operation, willRetry, retryInSeconds: seconds(delayMs) }, "immich API call failed");
  };

  /** Start the HTTP endpoints; returns the port. */
  async listen(): Promise<number> {
    this.http = await startHttpServer(this.options.port ?? PORTS.worker, this.options.host ?? "0.0.0.0", this.metrics, {
      healthy: () => this.running,
      ready: () => this.isReady && this.albumTasks.every((t) => !t.failing) && this.badKeys.size === 0,
      why: () => [
        ...this.badKeys.values(),
        ...(this.isReady ? [] : ["the libraries are not reconciled yet (see the log)"]),
        ...this.albumTasks.filter((t) => t.failing).map((t) => `the last album sync of library ${t.handle} failed (see the log)`),
      ],
    });
    this.options.logger.info({ port: this.http.port }, "serving /healthz, /readyz and /metrics");
    return this.http.port;
  }

  /** Ask the loop to stop: the current request is abandoned, sleeps end at once. */
  stop(reason = "stop requested"): void {
    this.abort.abort(new Error(reason));
  }

  /** Run until `stop()` (or one cycle with `once`). Never throws for API trouble; it backs off and retries. */
  async run(): Promise<void> {
    const { logger, spec } = this.options;
    this.running = true;
    try {
      if (this.options.reconcileMembers) {
        const now = Date.now();
        this.memberTask = { nextAt: now, deepAt: now, failures: 0, waiting: "" };
        await this.syncMembers(this.memberTask);
      }
      const tracked = await this.reconcileUntilDone();
      if (!tracked) return;
      this.isReady = true;
      logger.info({ libraries: tracked.map((t) => t.lib.handle) }, "watching libraries");
      if (tracked.length === 0 && !this.options.once) logger.warn("no library is rescanned by the worker (rescan.by: worker)");
      this.planAlbumTasks();
      if (this.options.once) {
        for (const t of tracked) await this.pollOne(t, true);
        for (const a of this.albumTasks) if (a.nextAt <= Date.now()) await this.syncAlbumsOf(a);
        return;
      }
      for (;;) {
        const next = tracked.reduce<Tracked | undefined>((a, t) => (!a || t.nextAt < a.nextAt ? t : a), undefined);
        const album = this.albumTasks.reduce<AlbumTask | undefined>((a, t) => (!a || t.nextAt < a.nextAt ? t : a), undefined);
        const members = this.memberTask;
        const at = Math.min(next?.nextAt ?? Number.POSITIVE_INFINITY, album?.nextAt ?? Number.POSITIVE_INFINITY, members?.nextAt ?? Number.POSITIVE_INFINITY);
        await sleep(Number.isFinite(at) ? Math.max(0, at - Date.now()) : 3_600_000, this.abort.signal);
        if (members && members.nextAt <= at) await this.syncMembers(members);
        else if (album && album.nextAt <= at) await this.syncAlbumsOf(album);
        else if (next) await this.pollOne(next, false);
      }
    } catch (error) {
      if (!this.abort.signal.aborted) throw error;
      logger.info({ spec: spec.metadata.name }, "stopping");
    } finally {
      this.running = false;
      this.isReady = false;
      await this.http?.close();
    }
  }

  private async reconcileUntilDone(): Promise<Tracked[] | undefined> {
    const { logger, spec } = this.options;
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await reconcileLibraries(this.client, spec);
        this.keyWorks(this.options.keyName ?? "IMMICH_API_KEY");
        for (const a of result.applied) logger.info({ action: a.kind, library: "handle" in a ? a.handle : a.name }, "library reconciled");
        for (const p of result.problems) logger.warn({ library: p.handle, problem: p.message }, "library problem");
        return result.libraries
          .filter((l): l is ResolvedLibrary & { id: string } => l.id !== undefined && spec.libraries[l.handle]?.rescan.by === "worker")
          .map((lib) => {
            const rescan = spec.libraries[lib.handle]!.rescan;
            return {
              lib,
              poller: new LibraryPoller({
                handle: lib.handle,
                importPaths: lib.importPaths,
                exclusionPatterns: lib.exclusionPatterns,
                stateDir: this.options.stateDir,
                ...(this.options.walker ? { walker: this.options.walker } : {}),
              }),
              intervalMs: this.options.intervalMs ?? durationMs(rescan.interval),
              nextAt: Date.now(),
              polls: 0,
              failures: 0,
              pending: undefined,
            };
          });
      } catch (error) {
        if (this.abort.signal.aborted) throw error;
        const delay = backoffDelay(attempt, { baseMs: 1_000, maxMs: 300_000 });
        logger.error({ err: (error as Error).message, retryInSeconds: seconds(delay) }, "library reconciliation failed");
        if (this.options.once) throw error;
        await sleep(delay, this.abort.signal);
      }
    }
  }

  private async pollOne(t: Tracked, once: boolean): Promise<void> {
    const { logger } = this.options;
    const library = t.lib.handle;
    const debounceMs = once ? 0 : (this.options.debounceMs ?? durationMs(this.options.spec.worker.debounce));
    try {
      const deep = t.polls % (this.options.deepEvery ?? 12) === 0;
      t.polls++;
      const poll = await t.poller.poll(deep);
      this.metrics.polls.inc({ library, result: poll.status });
      if (poll.status === "blocked") {
        this.metrics.blocked.set({ library }, 1);
        t.pending = undefined;
        for (const p of poll.problems) logger.warn({ library, path: p.path, reason: p.reason }, `not scanning: ${p.message}`);
        t.nextAt = Date.now() + t.intervalMs;
        return;
      }
      this.metrics.blocked.set({ library }, 0);
      if (poll.status === "unchanged") {
        t.pending = undefined;
        this.succeeded(t);
        return;
      }
      const print = fingerprint(poll);
      if (print !== t.pending) {
        const count = poll.diff.added.length + poll.diff.removed.length + poll.diff.modified.length;
        this.metrics.changesSeen.inc({ library }, count);
        logger.info(
          { library, reason: poll.reason, added: poll.diff.added.length, removed: poll.diff.removed.length, modified: poll.diff.modified.length },
          "changes seen",
        );
      }
      if (debounceMs > 0 && print !== t.pending) {
        t.pending = print;
        t.nextAt = Date.now() + debounceMs;
        return;
      }
      await this.client.call(`scan library ${library}`, (o) => scanLibrary({ id: t.lib.id }, o));
      this.keyWorks(this.options.keyName ?? "IMMICH_API_KEY");
      await t.poller.commit();
      t.pending = undefined;
      this.metrics.scansTriggered.inc({ library });
      logger.info({ library }, "scan requested");
      const albums = this.albumTasks.find((a) => a.handle === library);
      if (this.options.afterScan || albums) {
        await waitForScan(this.client, { signal: this.abort.signal, intervalMs: this.options.queuePollMs ?? 2_000 });
        await this.options.afterScan?.(t.lib);
        // Moved files are new assets: their albums are synced now, which also counts as the scheduled sync.
        if (albums) await this.syncAlbumsOf(albums);
      }
      this.succeeded(t);
    } catch (error) {
      if (this.abort.signal.aborted) throw error;
      t.failures++;
      const delay = Math.min(t.intervalMs, backoffDelay(t.failures, { baseMs: 1_000, maxMs: 300_000 }));
      logger.error({ library, err: (error as Error).message, retryInSeconds: seconds(delay) }, "poll failed");
      t.nextAt = Date.now() + delay;
    }
  }

  /** One album task per library with `albums`: a sync now, then on the schedule. */
  private planAlbumTasks(): void {
    if (!this.options.reconcileAlbums || this.albumTasks.length > 0) return;
    const { spec } = this.options;
    const now = Date.now();
    for (const [handle, lib] of Object.entries(spec.libraries)) {
      if (!lib.albums) continue;
      this.albumTasks.push({ handle, nextAt: now, deepAt: now + this.deepIntervalMs(), failures: 0, failing: false });
    }
  }

  private albumIntervalMs(): number {
    return this.options.albumIntervalMs ?? durationMs(this.options.spec.worker.albums.interval);
  }

  private deepIntervalMs(): number {
    return this.options.albumDeepIntervalMs ?? durationMs(this.options.spec.worker.albums.deepInterval);
  }

  /** Sync one library's albums, cheaply unless the deep one is due; never throws for API trouble. */
  private async syncAlbumsOf(task: AlbumTask): Promise<void> {
    const sync = this.options.reconcileAlbums;
    if (!sync) return;
    const { logger } = this.options;
    const library = task.handle;
    const deep = Date.now() >= task.deepAt;
    const depth = deep ? "deep" : "cheap";
    const started = performance.now();
    try {
      const report = await sync(library, { deep, onError: this.onApiError });
      let ok = report.ok;
      for (const r of report.libraries) {
        if (r.credentials) this.keyProblem(r.credentials.key, `albums of library ${library}: ${r.failures[0] ?? r.credentials.problem}`);
        for (const [outcome, n] of Object.entries(r.summary.albums)) if (n > 0) this.metrics.albumOutcomes.inc({ library, outcome }, n);
        logAlbumSync(logger, r, { depth, read: r.read?.how, seconds: seconds(performance.now() - started) });
        if (r.failures.length > 0) ok = false;
      }
      this.metrics.albumSyncs.inc({ library, depth, result: ok ? "ok" : "failed" });
      task.failing = !ok;
      if (ok) {
        // Every key this library's sync used worked.
        for (const [key, what] of this.badKeys) if (what.startsWith(`albums of library ${library}:`)) this.keyWorks(key);
        task.failures = 0;
        this.metrics.albumLastSuccess.set({ library }, Date.now() / 1000);
        if (deep) task.deepAt = Date.now() + this.deepIntervalMs();
      } else task.failures++;
    } catch (error) {
      if (this.abort.signal.aborted) throw error;
      task.failing = true;
      task.failures++;
      this.metrics.albumSyncs.inc({ library, depth, result: "failed" });
      logger.error({ library, err: (error as Error).message }, "album sync failed");
    }
    this.metrics.albumSyncFailing.set({ library }, task.failing ? 1 : 0);
    const interval = this.albumIntervalMs();
    task.nextAt = Date.now() + (task.failing ? Math.min(interval, backoffDelay(task.failures, { baseMs: 5_000, maxMs: 300_000 })) : interval);
  }

  /** Sync the family's accounts; each change is logged with who and why. Never throws for API trouble. */
  private async syncMembers(task: MemberTask): Promise<void> {
    const sync = this.options.reconcileMembers;
    if (!sync) return;
    const { logger, spec } = this.options;
    const deep = Date.now() >= task.deepAt;
    const depth = deep ? "deep" : "cheap";
    let ok = false;
    try {
      const report = await sync({ deep, onError: this.onApiError });
      report.plan.changes.forEach((change, i) => {
        const outcome = report.outcomes?.[i] ?? "not applied";
        this.metrics.memberOutcomes.inc({ outcome });
        const who = "handle" in change ? change.handle : change.email;
        logger.info({ member: who, email: change.email, change: change.kind, outcome, why: change.why }, `member ${who}: ${change.kind} (${change.why})`);
      });
      for (const f of report.failures) logger.warn({ failure: f }, "member step failed; retried next run");
      for (const h of report.plan.held) {
        this.metrics.memberOutcomes.inc({ outcome: "held" });
        logger.warn({ held: h }, "member change held");
      }
      const waiting = report.plan.waiting.join("\n");
      if (report.plan.waiting.length > 0) this.metrics.memberOutcomes.inc({ outcome: "waiting" }, report.plan.waiting.length);
      if (waiting !== task.waiting) for (const w of report.plan.waiting) logger.info({ waiting: w }, "member step waiting");
      task.waiting = waiting;
      if (report.plan.undeclared.length > 0 && deep)
        logger.info({ accounts: report.plan.undeclared.map((u) => u.email) }, `accounts not in the spec ${spec.metadata.name} (left alone)`);
      ok = report.ok;
    } catch (error) {
      if (this.abort.signal.aborted) throw error;
      if (error instanceof ImmichApiError && error.kind === "forbidden") {
        // A key made before members sync existed: say so once a day, not every interval.
        this.metrics.memberSyncs.inc({ depth, result: "failed" });
        logger.warn(
          { err: error.message },
          "member sync skipped: the worker's key lacks adminUser.read/create/update/delete (immich-family doctor lists them); give it those, or let the worker make its own key",
        );
        task.nextAt = Date.now() + this.memberDeepIntervalMs();
        return;
      }
      logger.error({ err: (error as Error).message }, "member sync failed");
    }
    this.metrics.memberSyncs.inc({ depth, result: ok ? "ok" : "failed" });
    if (ok) {
      task.failures = 0;
      if (deep) task.deepAt = Date.now() + this.memberDeepIntervalMs();
    } else task.failures++;
    const interval = this.options.memberIntervalMs ?? durationMs(spec.worker.members.interval);
    task.nextAt = Date.now() + (ok ? interval : Math.min(interval, backoffDelay(task.failures, { baseMs: 5_000, maxMs: 300_000 })));
  }

  private memberDeepIntervalMs(): number {
    return this.options.memberDeepIntervalMs ?? durationMs(this.options.spec.worker.members.deepInterval);
  }

  private succeeded(t: Tracked): void {
    t.failures = 0;
    this.metrics.lastSuccess.set({ library: t.lib.handle }, Date.now() / 1000);
    t.nextAt = Date.now() + t.intervalMs;
  }
}
