import { join } from "node:path";
import { checkRoots, type RootProblem, vanishedRoots } from "./root-guard.js";
import { diffListing, isEmptyDiff, loadSnapshot, type Snapshot, type SnapshotDiff, saveSnapshot } from "./snapshot.js";
import { defaultWalker, type Walker } from "./walker.js";

export interface LibraryPollerOptions {
  readonly handle: string;
  readonly importPaths: readonly string[];
  readonly exclusionPatterns: readonly string[];
  /** Folder for the per-library snapshot files. */
  readonly stateDir: string;
  /** @default the server's walker when it loads */
  readonly walker?: Walker;
}

export type PollResult =
  /** An import root is missing, empty or lost all its files: do not scan. */
  | { readonly status: "blocked"; readonly problems: readonly RootProblem[] }
  | { readonly status: "unchanged"; readonly files: number }
  | {
      readonly status: "changed";
      readonly files: number;
      readonly diff: SnapshotDiff;
      /** No snapshot yet, or the import paths or patterns changed since it was taken. */
      readonly reason: "first-poll" | "settings-changed" | "files-changed";
    };

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Polls one library's tree without inotify: list what the server would import, compare with the
 * snapshot of the last scan request. `commit()` after the scan request succeeded, so a failed
 * request is retried on the next poll and no change is lost.
 */
export class LibraryPoller {
  private snapshot: Snapshot | undefined;
  private loaded = false;
  private pending: Snapshot | undefined;
  readonly stateFile: string;

  constructor(private readonly options: LibraryPollerOptions) {
    this.stateFile = join(options.stateDir, "libraries", `${options.handle}.json`);
  }

  /** One poll; `deep` also stats every known file to catch in-place rewrites. */
  async poll(deep = false): Promise<PollResult> {
    if (!this.loaded) {
      this.snapshot = await loadSnapshot(this.stateFile);
      this.loaded = true;
    }
    const { importPaths, exclusionPatterns } = this.options;
    const rootProblems = await checkRoots(importPaths);
    if (rootProblems.length > 0) return { status: "blocked", problems: rootProblems };
    const walker = this.options.walker ?? (await defaultWalker());
    const listing = await walker.list({ importPaths, exclusionPatterns });
    const previous = this.snapshot;
    if (previous) {
      const vanished = vanishedRoots(importPaths, previous.files.keys(), listing);
      if (vanished.length > 0) return { status: "blocked", problems: vanished };
    }
    const { diff, files } = diffListing(previous, listing, deep);
    this.pending = { importPaths: [...importPaths], exclusionPatterns: [...exclusionPatterns], files };
    if (!previous) return { status: "changed", files: files.size, diff, reason: "first-poll" };
    if (!sameList(previous.importPaths, importPaths) || !sameList(previous.exclusionPatterns, exclusionPatterns)) {
      return { status: "changed", files: files.size, diff, reason: "settings-changed" };
    }
    if (isEmptyDiff(diff)) {
      this.snapshot = { ...previous, files };
      return { status: "unchanged", files: files.size };
    }
    return { status: "changed", files: files.size, diff, reason: "files-changed" };
  }

  /** Remember the last poll's listing as scanned. */
  async commit(): Promise<void> {
    if (!this.pending) return;
    this.snapshot = this.pending;
    this.pending = undefined;
    await saveSnapshot(this.stateFile, this.snapshot);
  }
}
