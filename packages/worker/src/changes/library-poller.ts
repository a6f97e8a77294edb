import { join } from "node:path";
import { checkRoots, type RootProblem } from "./root-guard.js";
import { isEmptyDiff, ListingComparison, loadSnapshot, type Snapshot, type SnapshotDiff, saveSnapshot } from "./snapshot.js";
import { defaultWalker, type Walker } from "./walker.js";

/** One library's folders and patterns, where its file snapshot is kept, and how it is walked. */
export interface LibraryPollerOptions {
  readonly handle: string;
  readonly importPaths: readonly string[];
  readonly exclusionPatterns: readonly string[];
  /** Folder for the per-library snapshot files. */
  readonly stateDir: string;
  /** @default the server's walker when it loads */
  readonly walker?: Walker;
}

/** What one poll of a library's folders found: changed (and why), unchanged, or blocked from scanning. */
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
const under = (root: string) => {
  const prefix = root.endsWith("/") ? root : `${root}/`;
  return (p: string) => p.startsWith(prefix);
};

/**
 * Polls one library's tree without inotify: streams what the server would import and compares it
 * with the snapshot of the last scan request. `commit()` after the scan request succeeded, so a
 * failed request is retried on the next poll and no change is lost.
 */
export class LibraryPoller {
  private snapshot: Snapshot | undefined;
  private loaded = false;
  private pending: ((s: Snapshot) => void) | undefined;
  private generation = 0;
  readonly stateFile: string;

  constructor(private readonly options: LibraryPollerOptions) {
    this.stateFile = join(options.stateDir, "libraries", `${options.handle}.snapshot`);
  }

  /** One poll; `deep` also stats every known file to catch in-place rewrites. */
  async poll(deep = false): Promise<PollResult> {
    if (!this.loaded) {
      this.snapshot = await loadSnapshot(this.stateFile);
      this.loaded = true;
    }
    this.pending = undefined;
    const { importPaths, exclusionPatterns } = this.options;
    const rootProblems = await checkRoots(importPaths);
    if (rootProblems.length > 0) return { status: "blocked", problems: rootProblems };
    const walker = this.options.walker ?? (await defaultWalker());
    const previous = this.snapshot;
    const comparison = new ListingComparison(previous, deep, ++this.generation);
    const perRoot = new Map(importPaths.map((r) => [r, 0]));
    const roots = importPaths.map((r) => ({ r, test: under(r) }));
    await walker.each({ importPaths, exclusionPatterns }, (path) => {
      comparison.visit(path);
      for (const { r, test } of roots) if (test(path)) perRoot.set(r, (perRoot.get(r) ?? 0) + 1);
    });
    const { diff, files, apply } = comparison.finish();
    if (previous) {
      // A root that had files at the last scan and now has none: a mount that came back empty.
      const vanished: RootProblem[] = [];
      for (const { r, test } of roots) {
        if (perRoot.get(r) !== 0) continue;
        let had = 0;
        for (const p of previous.files.keys()) if (test(p)) had++;
        if (had > 0) vanished.push({ path: r, reason: "vanished", message: `all ${had} files under ${r} are gone (is the library mounted?)` });
      }
      if (vanished.length > 0) return { status: "blocked", problems: vanished };
    }
    this.pending = (s) => {
      apply(s);
      s.importPaths = [...importPaths];
      s.exclusionPatterns = [...exclusionPatterns];
    };
    if (!previous) return { status: "changed", files, diff, reason: "first-poll" };
    if (!sameList(previous.importPaths, importPaths) || !sameList(previous.exclusionPatterns, exclusionPatterns)) {
      return { status: "changed", files, diff, reason: "settings-changed" };
    }
    if (isEmptyDiff(diff)) return { status: "unchanged", files };
    return { status: "changed", files, diff, reason: "files-changed" };
  }

  /** Remember the last poll's listing as scanned. */
  async commit(): Promise<void> {
    if (!this.pending) return;
    this.snapshot ??= { importPaths: [], exclusionPatterns: [], files: new Map() };
    this.pending(this.snapshot);
    this.pending = undefined;
    await saveSnapshot(this.stateFile, this.snapshot);
  }
}
