import type { ImmichFamilySpec } from "@family/immich-spec";
import { scanLibrary } from "@immich/sdk";
import type { ImmichClient } from "../client/immich-client.js";
import { LibraryPoller, type PollResult } from "../changes/library-poller.js";
import type { Walker } from "../changes/walker.js";
import { type ReconcileResult, reconcileLibraries, type ResolvedLibrary } from "../libraries/reconcile.js";
import { waitForScan } from "./wait-for-scan.js";

/** How `scanLibraries` runs: one library or all, force, dry run, prune, wait. */
export interface ScanOptions {
  /** Only this library handle. */
  readonly library?: string;
  /** Scan even when no change was seen (never while a root is missing or empty). */
  readonly force?: boolean;
  readonly dryRun?: boolean;
  readonly prune?: boolean;
  /** Follow the server's queues until the scans are done. */
  readonly wait?: boolean;
  readonly waitIntervalMs?: number;
  /** Where the change-detection snapshots are kept. */
  readonly stateDir: string;
  readonly signal?: AbortSignal;
  readonly walker?: Walker;
}

/** What `scan` did with one library, and why. */
export type LibraryScanOutcome =
  | { readonly handle: string; readonly outcome: "scanned" | "would-scan"; readonly poll: PollResult }
  | { readonly handle: string; readonly outcome: "unchanged"; readonly poll: PollResult }
  | { readonly handle: string; readonly outcome: "blocked"; readonly poll: Extract<PollResult, { status: "blocked" }> }
  /** Not on the server (a dry run that would create it, or a reconciliation problem). */
  | { readonly handle: string; readonly outcome: "skipped"; readonly reason: string };

/** The library reconcile and each library's scan outcome. */
export interface ScanReport {
  readonly reconcile: ReconcileResult;
  readonly libraries: readonly LibraryScanOutcome[];
  /** true when `wait` saw the queues go idle. */
  readonly waited: boolean | undefined;
}

/** Poll one library and request a scan if its files changed (or `force`); the snapshot is kept only after the request succeeded. */
export async function scanIfChanged(
  client: ImmichClient,
  lib: ResolvedLibrary & { readonly id: string },
  poller: LibraryPoller,
  options: { readonly force?: boolean; readonly dryRun?: boolean; readonly deep?: boolean },
): Promise<LibraryScanOutcome> {
  const poll = await poller.poll(options.deep ?? false);
  if (poll.status === "blocked") return { handle: lib.handle, outcome: "blocked", poll };
  if (poll.status === "unchanged" && !options.force) return { handle: lib.handle, outcome: "unchanged", poll };
  if (options.dryRun) return { handle: lib.handle, outcome: "would-scan", poll };
  await client.call(`scan library ${lib.handle}`, (o) => scanLibrary({ id: lib.id }, o));
  await poller.commit();
  return { handle: lib.handle, outcome: "scanned", poll };
}

/** `immich-family scan`: reconcile the libraries, then rescan the ones whose files changed. */
export async function scanLibraries(client: ImmichClient, spec: ImmichFamilySpec, options: ScanOptions): Promise<ScanReport> {
  const reconcile = await reconcileLibraries(client, spec, {
    ...(options.library === undefined ? {} : { library: options.library }),
    dryRun: options.dryRun ?? false,
    prune: options.prune ?? false,
  });
  const libraries: LibraryScanOutcome[] = [];
  for (const lib of reconcile.libraries) {
    if (lib.id === undefined) {
      const problem = reconcile.problems.find((p) => p.handle === lib.handle);
      libraries.push({ handle: lib.handle, outcome: "skipped", reason: problem?.message ?? "would be created first" });
      continue;
    }
    const poller = new LibraryPoller({
      handle: lib.handle,
      importPaths: lib.importPaths,
      exclusionPatterns: lib.exclusionPatterns,
      stateDir: options.stateDir,
      ...(options.walker ? { walker: options.walker } : {}),
    });
    libraries.push(await scanIfChanged(client, { ...lib, id: lib.id }, poller, { force: options.force ?? false, dryRun: options.dryRun ?? false, deep: true }));
  }
  let waited: boolean | undefined;
  if (options.wait && !options.dryRun && libraries.some((l) => l.outcome === "scanned")) {
    waited = await waitForScan(client, {
      ...(options.waitIntervalMs === undefined ? {} : { intervalMs: options.waitIntervalMs }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
  return { reconcile, libraries, waited };
}
