import { join } from "node:path";
import { readLinesFile, writeLinesAtomically } from "../_lines-file.js";
import type { LibraryAsset } from "./desired.js";

/**
 * What the last sync read of a library's assets, kept in the state dir so the next sync reads only
 * what changed since (`updatedAfter: watermark`). It is a cache of the server's asset list, never of
 * the albums: albums are always judged by `GET /albums` (counts, users). It belongs to one server,
 * library and owner; any other record is ignored.
 */
export interface AssetRecord {
  readonly server: string;
  readonly libraryId: string;
  readonly ownerId: string;
  /** The newest `updatedAt` among the assets read (the server's clock, never ours). */
  readonly watermark: string;
  readonly assets: Map<string, LibraryAsset>;
}

const VERSION = 3;

export function recordFile(stateDir: string, library: string): string {
  return join(stateDir, "albums", `${library}.assets`);
}

// File format: a JSON header line, then one line per asset, `id<TAB>fileCreatedAt<TAB>visibility<TAB>originalPath`
// (a path with a line break makes the record unreadable, and the next read is a full one). Fields are
// sliced out of the file's text, not copied: the record costs little more than the file's size.
const VISIBILITY: Record<string, string> = { timeline: "timeline", archive: "archive", hidden: "hidden", locked: "locked" };

export async function loadRecord(file: string): Promise<AssetRecord | undefined> {
  const assets = new Map<string, LibraryAsset>();
  // A torn or foreign file gives undefined: the next read is a full one.
  const header = await readLinesFile<{ version: number; server: string; libraryId: string; ownerId: string; watermark: string }>(
    file,
    VERSION,
    (text, from, stop) => {
      const t1 = text.indexOf("\t", from);
      const t2 = text.indexOf("\t", t1 + 1);
      const t3 = text.indexOf("\t", t2 + 1);
      if (t1 < 0 || t2 < 0 || t3 < 0 || t3 > stop) return false;
      const id = text.slice(from, t1);
      const visibility = text.slice(t2 + 1, t3);
      assets.set(id, { id, originalPath: text.slice(t3 + 1, stop), fileCreatedAt: text.slice(t1 + 1, t2), visibility: VISIBILITY[visibility] ?? visibility });
      return true;
    },
  );
  return header && { server: header.server, libraryId: header.libraryId, ownerId: header.ownerId, watermark: header.watermark, assets };
}

/** Write atomically (a temp file renamed over the old one), in chunks. */
export async function saveRecord(file: string, record: AssetRecord): Promise<void> {
  await writeLinesAtomically(file, recordLines(record));
}

function* recordLines(record: AssetRecord): Generator<string> {
  const { server, libraryId, ownerId, watermark } = record;
  yield JSON.stringify({ version: VERSION, server, libraryId, ownerId, watermark });
  // Folder by folder, so the next run's grouping meets each folder once.
  const byFolder = new Map<string, LibraryAsset[]>();
  for (const a of record.assets.values()) {
    const folder = a.originalPath.slice(0, a.originalPath.lastIndexOf("/"));
    const list = byFolder.get(folder);
    if (list) list.push(a);
    else byFolder.set(folder, [a]);
  }
  for (const list of byFolder.values()) {
    for (const a of list) yield `${a.id}\t${a.fileCreatedAt ?? ""}\t${a.visibility ?? "timeline"}\t${a.originalPath}`;
  }
}
