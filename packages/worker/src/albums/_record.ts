import { join } from "node:path";
import { readLinesFile, writeLinesAtomically } from "../_lines-file.js";
import { FolderIndex } from "./_folders.js";

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

const VERSION = 6;

export function recordFile(stateDir: string, library: string): string {
  return join(stateDir, "albums", `${library}.assets`);
}

// File format: a JSON header line, then each folder as six lines: `<TAB>count<TAB>folder`, its ids
// joined by tabs, its file names joined by "/", then comma-separated its dates (`fileCreatedAt` in ms
// since the epoch, empty when unknown), visibilities and file identities (empty when not looked at yet).
// In the folder and the names, a line break is written `\n` and a backslash `\\`: a file may be named
// anything but "/". A folder is read into the index as it is (its ids and names stay one packed string
// each): loading a record of 100,000 assets makes a handful of strings per folder, never one per asset.
// An id with a tab or a line break (no server's) makes a count differ and the record unreadable: the
// next read is a full one. It is read and written a chunk at a time: memory holds the index, never the
// file's text.
export async function loadRecord(file: string): Promise<AssetRecord | undefined> {
  const assets = new FolderIndex();
  let folder: string | undefined;
  let count = 0;
  let row = 0;
  let ids = "";
  let names = "";
  let taken: number[] = [];
  let visibility: string[] = [];
  // A torn or foreign file gives undefined: the next read is a full one.
  const header = await readLinesFile<{ version: number; server: string; libraryId: string; ownerId: string; watermark: string }>(
    file,
    VERSION,
    (buf, from, to) => {
      switch (row) {
        case 0: {
          const tab = buf.indexOf(TAB, from + 1);
          const n = buf[from] === TAB && tab > from + 1 && tab < to ? digits(buf, from + 1, tab) : undefined;
          if (n === undefined || !(n > 0)) return false;
          folder = unescaped(buf.toString("utf8", tab + 1, to));
          count = n;
          break;
        }
        case 1:
          ids = buf.toString("utf8", from, to);
          break;
        case 2:
          names = unescaped(buf.toString("utf8", from, to));
          break;
        case 3: {
          const list = numbers(buf, from, to, count);
          if (!list) return false;
          taken = list;
          break;
        }
        case 4: {
          const list = words(buf, from, to, count);
          if (!list) return false;
          visibility = list;
          break;
        }
        default: {
          const ident = numbers(buf, from, to, count);
          // The index refuses ids or names that are not one per asset.
          if (!ident || !assets.load(folder!, ids, names, taken, visibility, ident)) return false;
        }
      }
      row = (row + 1) % 6;
      return true;
    },
  );
  return header && row === 0 ? { server: header.server, libraryId: header.libraryId, ownerId: header.ownerId, watermark: header.watermark, assets } : undefined;
}

const TAB = 9;

/** A path's text as one record line: line breaks written `\n`, backslashes `\\`. */
const escaped = (text: string): string => (text.includes("\n") || text.includes("\\") ? text.replace(/[\\\n]/g, (c) => (c === "\n" ? "\\n" : "\\\\")) : text);

/** A record line's path text back as it was. */
const unescaped = (text: string): string => (text.includes("\\") ? text.replace(/\\(.)/gs, (_, c: string) => (c === "n" ? "\n" : c)) : text);

const COMMA = 44;

/** `count` comma-separated whole numbers (NaN for an empty one), or undefined when they are not. */
function numbers(buf: Buffer, from: number, to: number, count: number): number[] | undefined {
  const out = new Array<number>(count);
  let at = from;
  for (let i = 0; i < count; i++) {
    let end = buf.indexOf(COMMA, at);
    if (end < 0 || end > to) end = to;
    if (i === count - 1 ? end !== to : end === to) return undefined;
    const n = digits(buf, at, end);
    if (n === undefined) return undefined;
    out[i] = n;
    at = end + 1;
  }
  return out;
}

/** `count` comma-separated visibilities, each the shared string of a known one. */
function words(buf: Buffer, from: number, to: number, count: number): string[] | undefined {
  const out = new Array<string>(count);
  let at = from;
  for (let i = 0; i < count; i++) {
    let end = buf.indexOf(COMMA, at);
    if (end < 0 || end > to) end = to;
    if (i === count - 1 ? end !== to : end === to) return undefined;
    const known = KNOWN.find((k) => k.bytes.length === end - at && buf.compare(k.bytes, 0, k.bytes.length, at, end) === 0);
    out[i] = known ? known.word : buf.toString("utf8", at, end);
    at = end + 1;
  }
  return out;
}

const KNOWN = ["timeline", "archive", "hidden", "locked"].map((word) => ({ word, bytes: Buffer.from(word) }));

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
  const num = (n: number) => (Number.isNaN(n) ? "" : String(n));
  for (const [folder, f] of record.assets.folders) {
    if (f.taken.length === 0) continue;
    yield `\t${f.taken.length}\t${escaped(folder)}`;
    yield f.ids.join();
    yield escaped(f.names.join());
    yield f.taken.map(num).join(",");
    yield f.visibility.join(",");
    yield f.ident.map(num).join(",");
  }
}
