import { close, constants, fstat, open, read } from "node:fs";
import { readdir } from "node:fs/promises";
import { AssetVisibility, searchAssets, searchAssetStatistics } from "@immich/sdk";
import type { ImmichClient } from "../client/immich-client.js";
import { type AlbumPropsError, type AlbumPropsFile, parseAlbumProps } from "./albumprops.js";
import { FolderIndex } from "./_folders.js";
import type { GoneAsset, NewAsset } from "./_identity.js";
import type { AssetRecord } from "./_record.js";
import { rootOf } from "./desired.js";

export const PAGE_SIZE = 1000;

/**
 * The assets an album shows and counts (its `assetCount`): timeline and archived ones. Hidden ones (a
 * live photo's motion part) and locked ones never are. Each is asked for by name: without a
 * `visibility`, v2 searches return timeline assets only and v3 searches hidden ones too.
 */
const SHOWN = [AssetVisibility.Timeline, AssetVisibility.Archive] as const;

type SearchFilter = { libraryId?: string; originalPath?: string; albumIds?: string[]; updatedAfter?: string; withDeleted?: boolean };

/** What a search page says of an asset (the fields this package reads). */
interface FoundAsset {
  readonly id: string;
  readonly originalPath: string;
  readonly fileCreatedAt: string;
  readonly updatedAt: string;
  readonly visibility: string;
  readonly isTrashed: boolean;
  readonly isOffline?: boolean;
}

/**
 * Shown assets matching `filter`, page by page in sequence (never in parallel), each handed to `visit`
 * as it comes (nothing is held here). Returns the most pages one visibility took.
 */
async function eachPage(client: ImmichClient, filter: SearchFilter, visit: (a: FoundAsset) => void): Promise<number> {
  let most = 0;
  for (const visibility of SHOWN) {
    for (let page = 1; ; page++) {
      const res = await client.call("search assets", (o) =>
        searchAssets({ metadataSearchDto: { withDeleted: false, ...filter, visibility, size: PAGE_SIZE, page } }, o),
      );
      for (const a of res.assets.items) visit(a);
      const next = res.assets.nextPage === null ? Number.NaN : Number(res.assets.nextPage);
      if (!Number.isInteger(next) || next <= page) {
        most = Math.max(most, page);
        break;
      }
    }
  }
  return most;
}

/**
 * Shown assets matching `filter` (and `accept`, by path), folded page by page into `into` (which
 * deduplicates them by id); returns the newest `updatedAt` seen.
 */
async function readPages(
  client: ImmichClient,
  filter: SearchFilter,
  into: FolderIndex,
  watermark = "",
  accept?: (originalPath: string) => boolean,
): Promise<{ pages: number; watermark: string }> {
  let newest = watermark;
  const pages = await eachPage(client, filter, (a) => {
    if (a.updatedAt > newest) newest = a.updatedAt;
    if (!accept || accept(a.originalPath)) into.put(a.id, a.originalPath, a.fileCreatedAt, a.visibility);
  });
  return { pages, watermark: newest };
}

/** How many shown assets the library holds, by the server's count. */
async function countShown(client: ImmichClient, libraryId: string): Promise<number> {
  let total = 0;
  for (const visibility of SHOWN) {
    total += (await client.call("asset statistics", (o) => searchAssetStatistics({ statisticsSearchDto: { libraryId, visibility } }, o))).total;
  }
  return total;
}

export interface AssetRead {
  /** By folder: ids, dates, visibilities and file names, no object per asset. */
  readonly assets: FolderIndex;
  /** The server's count of shown assets (the read's own size when there is no library id to count). */
  readonly total: number;
  /** The assets match the server's count: removals are safe. */
  readonly complete: boolean;
  /** The newest `updatedAt` read: the next read asks only for what changed after it. */
  readonly watermark: string;
  /** `changes`: the last read's record plus what changed since; `full`: every asset was read. */
  readonly how: "full" | "changes";
  /** Assets the changes read found (added, changed or gone); every asset for a full read. */
  readonly changed: number;
  /** Assets new since the record (a changes read only). */
  readonly added?: ReadonlySet<string>;
  /** The new assets with their paths, and the assets of the record that went (trashed or offline): a changes read only. */
  readonly moved?: { readonly added: readonly NewAsset[]; readonly gone: readonly GoneAsset[] };
}

/**
 * A library's shown assets, cheaply when `record` (the last read) is given: only assets updated since
 * its watermark are read (trashed and offline ones too, to drop them), then the result is checked
 * against the server's count. Anything the changes cannot explain (an asset hidden or locked, a purge,
 * a missed page) makes the counts differ, and then everything is read.
 */
export async function readLibraryAssets(client: ImmichClient, libraryId: string, roots: readonly string[], record?: AssetRecord): Promise<AssetRead> {
  if (record?.watermark) {
    const { assets } = record;
    let watermark = record.watermark;
    let changed = 0;
    const added = new Set<string>();
    const fresh: NewAsset[] = [];
    const gone: GoneAsset[] = [];
    await eachPage(client, { libraryId, updatedAfter: record.watermark, withDeleted: true }, (a) => {
      if (a.updatedAt > watermark) watermark = a.updatedAt;
      // `updatedAfter` is inclusive: the newest assets of the last read come again, unchanged.
      if (a.isTrashed || a.isOffline) {
        const was = assets.take(a.id, a.originalPath);
        if (was) {
          changed++;
          gone.push({ id: a.id, ...was });
        }
        return;
      }
      const put = assets.put(a.id, a.originalPath, a.fileCreatedAt, a.visibility);
      if (put === "added") {
        added.add(a.id);
        fresh.push({ id: a.id, originalPath: a.originalPath });
      }
      if (put !== "same") changed++;
    });
    assets.settle();
    const total = await countShown(client, libraryId);
    if (assets.size === total)
      return {
        assets,
        total,
        complete: true,
        watermark,
        how: "changes",
        changed,
        added,
        ...(fresh.length > 0 && gone.length > 0 ? { moved: { added: fresh, gone } } : {}),
      };
    assets.clear();
  }
  const full = await readAssets(client, { libraryId }, roots);
  return { ...full, how: "full", changed: full.assets.size };
}

/**
 * Every asset matching `filter`. v2 pages by offset over `fileCreatedAt` only, so equal timestamps can
 * repeat or skip assets across pages. One sequential read, deduplicated, is checked against
 * `POST /search/statistics`; when it falls short, the library tree is read folder by folder (a folder
 * that fits in one page cannot suffer from paging) and unioned in. `complete` is false when the
 * count still differs: then nothing is removed.
 */
export async function readAssets(
  client: ImmichClient,
  filter: { libraryId?: string; originalPath?: string },
  roots: readonly string[],
  into = new FolderIndex(),
): Promise<{ assets: FolderIndex; total: number; complete: boolean; watermark: string }> {
  const assets = into;
  let { watermark } = await readPages(client, filter, assets);
  const { libraryId } = filter;
  if (!libraryId) return { assets: settled(assets), total: assets.size, complete: true, watermark };
  let total = await countShown(client, libraryId);
  if (assets.size >= total) return { assets: settled(assets), total, complete: true, watermark };
  for (const root of roots) watermark = await readFolder(client, filter, root, assets, watermark);
  total = await countShown(client, libraryId);
  return { assets: settled(assets), total, complete: assets.size >= total, watermark };
}

/** The names packed; the ids kept as the pages' strings, which the plan then shares. */
function settled(index: FolderIndex): FolderIndex {
  index.settle(undefined, { ids: false });
  return index;
}

async function readFolder(client: ImmichClient, filter: { libraryId?: string }, folder: string, into: FolderIndex, watermark: string): Promise<string> {
  const read = await readPages(client, { ...filter, originalPath: `${folder}/` }, into, watermark, (p) => p.startsWith(`${folder}/`));
  if (read.pages <= 1) return read.watermark;
  let children: string[] = [];
  try {
    children = (await readdir(folder, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => `${folder}/${d.name}`);
  } catch {
    return read.watermark;
  }
  let newest = read.watermark;
  for (const child of children) newest = await readFolder(client, filter, child, into, newest);
  return newest;
}

/** The asset ids of one album (for albums whose count differs from the desired one). */
export async function readAlbumAssets(client: ImmichClient, albumId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  await eachPage(client, { albumIds: [albumId] }, (a) => void ids.add(a.id));
  return ids;
}

/** The most an `.albumprops` may weigh: it is a few lines of YAML. */
const ALBUMPROPS_MAX = 64 * 1024;

/**
 * The text of a small regular file, undefined when there is none, or why it cannot be one: a FIFO, a
 * device, a link or a file over `max` bytes is never read (nothing blocks, nothing big is held).
 * Callback `fs` rather than promises: most folders have no `.albumprops`, and a failed open is cheaper
 * without a FileHandle (2,000 folders: about 40% less CPU).
 */
function readSmallFile(file: string, max: number): Promise<string | undefined | Error> {
  return new Promise((resolve) => {
    open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW, (error, fd) => {
      if (error) {
        const code = error.code;
        resolve(
          code === "ENOENT" || code === "ENOTDIR" ? undefined : code === "ELOOP" ? new Error("is a link; .albumprops must be a file of its folder") : error,
        );
        return;
      }
      const done = (result: string | Error) => close(fd, () => resolve(result));
      fstat(fd, (statError, st) => {
        if (statError) return done(statError);
        if (!st.isFile()) return done(new Error("is not a regular file"));
        if (st.size > max) return done(new Error(`is ${st.size} bytes; an .albumprops holds at most ${max}`));
        const buf = Buffer.alloc(st.size);
        read(fd, buf, 0, st.size, 0, (readError, n) => done(readError ?? buf.toString("utf8", 0, n)));
      });
    });
  });
}

/** Read the `.albumprops` of the given folders (absent files are simply absent). */
export async function readAlbumProps(folders: Iterable<string>): Promise<Map<string, AlbumPropsFile | AlbumPropsError>> {
  const out = new Map<string, AlbumPropsFile | AlbumPropsError>();
  const list = [...folders];
  for (let i = 0; i < list.length; i += 64) {
    await Promise.all(
      list.slice(i, i + 64).map(async (folder) => {
        const file = `${folder}/.albumprops`;
        const text = await readSmallFile(file, ALBUMPROPS_MAX);
        if (text === undefined) return;
        if (text instanceof Error) {
          out.set(folder, { file, line: 1, column: 1, message: `cannot read: ${text.message}` });
          return;
        }
        const r = parseAlbumProps(text, file);
        out.set(folder, r.ok ? r.value : r.error);
      }),
    );
  }
  return out;
}

/** Import roots that are missing or empty (a dropped NFS mount looks like either). */
export async function missingRoots(roots: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const root of roots) {
    try {
      if ((await readdir(root)).length === 0) out.push(root);
    } catch {
      out.push(root);
    }
  }
  return out;
}

/** Every folder from each of `folders` (those holding assets) up to its root, for reading `.albumprops`. */
export function foldersOf(folders: Iterable<string>, roots: readonly string[]): Set<string> {
  const rootOfFolder = rootOf(roots);
  const out = new Set<string>();
  for (let folder of folders) {
    const root = rootOfFolder(folder);
    if (root === undefined) continue;
    while (folder.length >= root.length && !out.has(folder)) {
      out.add(folder);
      if (folder === root) break;
      folder = folder.slice(0, folder.lastIndexOf("/"));
    }
  }
  return out;
}
