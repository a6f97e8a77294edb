import { join } from "node:path";
import { readLinesFile, writeLinesAtomically } from "../_lines-file.js";
import { columns, FolderIndex } from "./_folders.js";

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
  readonly assets: FolderIndex;
}

const VERSION = 5;

export function recordFile(stateDir: string, library: string): string {
  return join(stateDir, "albums", `${library}.assets`);
}

// File format: a JSON header line, then each folder as a line `<TAB>folder` followed by a line per
// asset in it, `id<TAB>taken<TAB>visibility<TAB>ident<TAB>name`, taken being `fileCreatedAt` in ms since the
// epoch (empty when unknown), ident the file's identity (empty when not looked at yet; an id or a path with a line break makes the
// record unreadable, and the next read is a full one). It is read and written a chunk at a time,
// each field decoded into a string of its own: memory holds the index, never the file's text.
export async function loadRecord(file: string): Promise<AssetRecord | undefined> {
  const assets = new FolderIndex();
  let folder: ReturnType<FolderIndex["folder"]> | undefined;
  // A torn or foreign file gives undefined: the next read is a full one.
  const header = await readLinesFile<{ version: number; server: string; libraryId: string; ownerId: string; watermark: string }>(
    file,
    VERSION,
    (buf, from, to) => {
      if (buf[from] === TAB) {
        // The folder before is complete: pack it now, so that the whole record is never held unpacked.
        if (folder) assets.settle(folder);
        folder = assets.folder(buf.toString("utf8", from + 1, to));
        return true;
      }
      const t1 = buf.indexOf(TAB, from);
      const t2 = buf.indexOf(TAB, t1 + 1);
      const t3 = buf.indexOf(TAB, t2 + 1);
      const t4 = buf.indexOf(TAB, t3 + 1);
      if (!folder || t1 < 0 || t2 < 0 || t3 < 0 || t4 < 0 || t4 > to) return false;
      const taken = digits(buf, t1 + 1, t2);
      const ident = digits(buf, t3 + 1, t4);
      if (taken === undefined || ident === undefined) return false;
      assets.push(folder, buf.toString("utf8", from, t1), taken, buf.toString("utf8", t2 + 1, t3), buf.toString("utf8", t4 + 1, to), ident);
      return true;
    },
  );
  assets.settle();
  return header && { server: header.server, libraryId: header.libraryId, ownerId: header.ownerId, watermark: header.watermark, assets };
}

const TAB = 9;

/** A whole number written in decimal (maybe negative), NaN when empty, undefined when not a number. */
function digits(buf: Buffer, from: number, to: number): number | undefined {
  if (from === to) return Number.NaN;
  const negative = buf[from] === 45;
  if (negative && to === from + 1) return undefined;
  let n = 0;
  for (let i = negative ? from + 1 : from; i < to; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return negative ? -n : n;
}

/** Write atomically (a temp file renamed over the old one), in chunks. */
export async function saveRecord(file: string, record: AssetRecord): Promise<void> {
  await writeLinesAtomically(file, recordLines(record));
}

function* recordLines(record: AssetRecord): Generator<string> {
  const { server, libraryId, ownerId, watermark } = record;
  yield JSON.stringify({ version: VERSION, server, libraryId, ownerId, watermark });
  for (const [folder, f] of record.assets.folders) {
    yield `\t${folder}`;
    const { ids, names } = columns(f);
    for (let i = 0; i < f.taken.length; i++) {
      const taken = f.taken[i]!;
      const ident = f.ident[i]!;
      yield `${ids[i]}\t${Number.isNaN(taken) ? "" : taken}\t${f.visibility[i]}\t${Number.isNaN(ident) ? "" : ident}\t${names[i]}`;
    }
  }
}
