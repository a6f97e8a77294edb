import { mkdir, open, readFile, rename } from "node:fs/promises";
import { dirname, join } from "node:path";
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

const VERSION = 2;

export function recordFile(stateDir: string, library: string): string {
  return join(stateDir, "albums", `${library}.assets`);
}

// File format: a JSON header line, then per folder a line `/folder` followed by one line per asset,
// `id<TAB>fileCreatedAt<TAB>visibility<TAB>fileName` (a file name cannot hold a line break in Immich's
// paths; one that does makes the record unreadable, and the next read is a full one).
export async function loadRecord(file: string): Promise<AssetRecord | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    let at = text.indexOf("\n");
    const header = JSON.parse(text.slice(0, at)) as { version: number; server: string; libraryId: string; ownerId: string; watermark: string };
    if (header.version !== VERSION) return undefined;
    const assets = new Map<string, LibraryAsset>();
    let folder = "";
    while (at < text.length - 1) {
      const end = text.indexOf("\n", at + 1);
      const stop = end < 0 ? text.length : end;
      if (text.charCodeAt(at + 1) === 47) folder = text.slice(at + 1, stop);
      else {
        const t1 = text.indexOf("\t", at + 1);
        const t2 = text.indexOf("\t", t1 + 1);
        const t3 = text.indexOf("\t", t2 + 1);
        if (t1 < 0 || t2 < 0 || t3 < 0 || t3 > stop || !folder) return undefined;
        const id = text.slice(at + 1, t1);
        assets.set(id, { id, originalPath: `${folder}/${text.slice(t3 + 1, stop)}`, fileCreatedAt: text.slice(t1 + 1, t2), visibility: text.slice(t2 + 1, t3) });
      }
      at = stop;
    }
    return { server: header.server, libraryId: header.libraryId, ownerId: header.ownerId, watermark: header.watermark, assets };
  } catch {
    return undefined; // a torn or foreign file: the next read is a full one
  }
}

/** Write atomically (a temp file renamed over the old one), in chunks. */
export async function saveRecord(file: string, record: AssetRecord): Promise<void> {
  const byFolder = new Map<string, string[]>();
  for (const a of record.assets.values()) {
    const cut = a.originalPath.lastIndexOf("/");
    const folder = a.originalPath.slice(0, cut);
    let list = byFolder.get(folder);
    if (!list) {
      list = [];
      byFolder.set(folder, list);
    }
    list.push(`${a.id}\t${a.fileCreatedAt ?? ""}\t${a.visibility ?? "timeline"}\t${a.originalPath.slice(cut + 1)}\n`);
  }
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, "w");
  try {
    const { server, libraryId, ownerId, watermark } = record;
    let chunk = `${JSON.stringify({ version: VERSION, server, libraryId, ownerId, watermark })}\n`;
    for (const [folder, lines] of byFolder) {
      chunk += `${folder}\n${lines.join("")}`;
      if (chunk.length > 1 << 20) {
        await handle.write(chunk);
        chunk = "";
      }
    }
    if (chunk) await handle.write(chunk);
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}
