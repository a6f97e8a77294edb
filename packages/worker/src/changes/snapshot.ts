import { statSync } from "node:fs";
import { readLinesFile, writeLinesAtomically } from "../_lines-file.js";

/** One known file: mtime (ms), size, and the poll that last saw it. */
export interface FileEntry {
  mtimeMs: number;
  size: number;
  seen: number;
}

/** What a library looked like at its last scan request. */
export interface Snapshot {
  importPaths: readonly string[];
  exclusionPatterns: readonly string[];
  readonly files: Map<string, FileEntry>;
}

/** Files added, removed and modified between two snapshots of a library. */
export interface SnapshotDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly modified: readonly string[];
}

function stat(path: string): { mtimeMs: number; size: number } | undefined {
  const s = statSync(path, { throwIfNoEntry: false });
  return s ? { mtimeMs: Math.trunc(s.mtimeMs), size: s.size } : undefined;
}

/**
 * Compares a listing, streamed path by path, with a snapshot without copying it: entries are only
 * marked as seen. New files are stat'ed; with `deep` every file is, so files rewritten in place
 * show up as modified (the cheap poll compares names only).
 */
export class ListingComparison {
  private readonly added = new Map<string, FileEntry>();
  private readonly modified = new Map<string, { mtimeMs: number; size: number }>();
  private count = 0;
  private readonly generation: number;

  constructor(
    private readonly snapshot: Snapshot | undefined,
    private readonly deep: boolean,
    generation: number,
  ) {
    this.generation = generation;
  }

  visit(path: string): void {
    const entry = this.snapshot?.files.get(path);
    if (entry === undefined) {
      if (!this.added.has(path)) {
        const s = stat(path);
        this.added.set(path, { mtimeMs: s?.mtimeMs ?? 0, size: s?.size ?? -1, seen: this.generation });
      }
      return;
    }
    if (entry.seen === this.generation) return;
    entry.seen = this.generation;
    this.count++;
    if (this.deep) {
      const now = stat(path);
      if (now && (now.mtimeMs !== entry.mtimeMs || now.size !== entry.size)) this.modified.set(path, now);
    }
  }

  /** The difference, and a function that applies it to the snapshot (after the scan request succeeded). */
  finish(): { diff: SnapshotDiff; files: number; apply: (target: Snapshot) => void } {
    const removed: string[] = [];
    if (this.snapshot && this.count < this.snapshot.files.size) {
      for (const [path, entry] of this.snapshot.files) if (entry.seen !== this.generation) removed.push(path);
    }
    const added = this.added;
    const modified = this.modified;
    return {
      diff: { added: [...added.keys()], removed, modified: [...modified.keys()] },
      files: this.count + added.size,
      apply: (target) => {
        for (const path of removed) target.files.delete(path);
        for (const [path, entry] of added) target.files.set(path, entry);
        for (const [path, s] of modified) {
          const entry = target.files.get(path);
          if (entry) Object.assign(entry, s);
        }
      },
    };
  }
}

export function isEmptyDiff(d: SnapshotDiff): boolean {
  return d.added.length === 0 && d.removed.length === 0 && d.modified.length === 0;
}

// File format: a JSON header line, then one `mtime<TAB>size<TAB>"path"` line per file.
export async function loadSnapshot(file: string): Promise<Snapshot | undefined> {
  const files = new Map<string, FileEntry>();
  // A torn or foreign file gives undefined: start afresh (one extra scan).
  const header = await readLinesFile<{ version: number; importPaths: string[]; exclusionPatterns: string[] }>(file, 2, (buf, from, to) => {
    const line = buf.toString("utf8", from, to);
    const t1 = line.indexOf("\t");
    const t2 = line.indexOf("\t", t1 + 1);
    files.set(JSON.parse(line.slice(t2 + 1)) as string, { mtimeMs: Number(line.slice(0, t1)), size: Number(line.slice(t1 + 1, t2)), seen: 0 });
    return true;
  });
  return header && { importPaths: header.importPaths, exclusionPatterns: header.exclusionPatterns, files };
}

/** Write atomically, in chunks: a temp file renamed over the old one. */
export async function saveSnapshot(file: string, snapshot: Snapshot): Promise<void> {
  await writeLinesAtomically(file, snapshotLines(snapshot));
}

function* snapshotLines(snapshot: Snapshot): Generator<string> {
  yield JSON.stringify({ version: 2, importPaths: snapshot.importPaths, exclusionPatterns: snapshot.exclusionPatterns });
  for (const [path, e] of snapshot.files) yield `${e.mtimeMs}\t${e.size}\t${JSON.stringify(path)}`;
}
