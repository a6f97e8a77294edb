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

const VERSION = 1;

export function recordFile(stateDir: string, library: string): string {
  return join(stateDir, "albums", `${library}.assets`);
}

// File format: a JSON header line, then one line per folder: [folder, [[id, fileName, fileCreatedAt, visibility], …]].
export async function loadRecord(file: string): Promise<AssetRecord | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    const lines = text.split("\n");
    const header = JSON.parse(lines[0] ?? "") as { version: number; server: string; libraryId: string; ownerId: string; watermark: string };
    if (header.version !== VERSION) return undefined;
    const assets = new Map<string, LibraryAsset>();
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i];
      if (!line) continue;
      const [folder, items] = JSON.parse(line) as [string, [string, string, string, string][]];
      for (const [id, name, fileCreatedAt, visibility] of items) assets.set(id, { id, originalPath: `${folder}/${name}`, fileCreatedAt, visibility });
    }
    return { server: header.server, libraryId: header.libraryId, ownerId: header.ownerId, watermark: header.watermark, assets };
  } catch {
    return undefined; // a torn or foreign file: the next read is a full one
  }
}

/** Write atomically (a temp file renamed over the old one), in chunks. */
export async function saveRecord(file: string, record: AssetRecord): Promise<void> {
  const byFolder = new Map<string, [string, string, string, string][]>();
  for (const a of record.assets.values()) {
    const cut = a.originalPath.lastIndexOf("/");
    const folder = a.originalPath.slice(0, cut);
    let list = byFolder.get(folder);
    if (!list) {
      list = [];
      byFolder.set(folder, list);
    }
    list.push([a.id, a.originalPath.slice(cut + 1), a.fileCreatedAt ?? "", a.visibility ?? "timeline"]);
  }
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, "w");
  try {
    const { server, libraryId, ownerId, watermark } = record;
    let chunk = `${JSON.stringify({ version: VERSION, server, libraryId, ownerId, watermark })}\n`;
    for (const entry of byFolder) {
      chunk += `${JSON.stringify(entry)}\n`;
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
