import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { statSync } from "node:fs";
import { dirname } from "node:path";

/** mtime (ms) and size of one file, or null when not yet stat'ed. */
export type FileStamp = readonly [mtimeMs: number, size: number] | null;

/** What a library looked like at its last scan request. */
export interface Snapshot {
  readonly importPaths: readonly string[];
  readonly exclusionPatterns: readonly string[];
  readonly files: Map<string, FileStamp>;
}

export interface SnapshotDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly modified: readonly string[];
}

export function stamp(path: string): FileStamp {
  const s = statSync(path, { throwIfNoEntry: false });
  return s ? [Math.trunc(s.mtimeMs), s.size] : null;
}

/**
 * Compare a fresh listing with the snapshot. New files are stat'ed; with `deep`, every file is, so
 * files rewritten in place show up as modified (the cheap poll only compares names).
 */
export function diffListing(previous: Snapshot | undefined, listing: readonly string[], deep: boolean): { diff: SnapshotDiff; files: Map<string, FileStamp> } {
  const files = new Map<string, FileStamp>();
  const added: string[] = [];
  const modified: string[] = [];
  const before = previous?.files;
  for (const path of listing) {
    const old = before?.get(path);
    if (old === undefined) {
      files.set(path, stamp(path));
      added.push(path);
    } else if (deep || old === null) {
      const now = stamp(path);
      files.set(path, now);
      if (old !== null && now !== null && (old[0] !== now[0] || old[1] !== now[1])) modified.push(path);
    } else files.set(path, old);
  }
  const removed: string[] = [];
  if (before) for (const path of before.keys()) if (!files.has(path)) removed.push(path);
  return { diff: { added, removed, modified }, files };
}

export function isEmptyDiff(d: SnapshotDiff): boolean {
  return d.added.length === 0 && d.removed.length === 0 && d.modified.length === 0;
}

interface SnapshotFile {
  readonly version: 1;
  readonly importPaths: readonly string[];
  readonly exclusionPatterns: readonly string[];
  readonly files: Record<string, FileStamp>;
}

export async function loadSnapshot(file: string): Promise<Snapshot | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    const data = JSON.parse(text) as SnapshotFile;
    if (data.version !== 1) return undefined;
    return { importPaths: data.importPaths, exclusionPatterns: data.exclusionPatterns, files: new Map(Object.entries(data.files)) };
  } catch {
    return undefined; // a torn or foreign file: start afresh (one extra scan)
  }
}

/** Write atomically: a temp file renamed over the old one. */
export async function saveSnapshot(file: string, snapshot: Snapshot): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const data: SnapshotFile = {
    version: 1,
    importPaths: snapshot.importPaths,
    exclusionPatterns: snapshot.exclusionPatterns,
    files: Object.fromEntries(snapshot.files),
  };
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(data));
  await rename(tmp, file);
}
