import { readdir, readFile } from "node:fs/promises";
import { AssetVisibility, searchAssets, searchAssetStatistics } from "@immich/sdk";
import type { ImmichClient } from "../client/immich-client.js";
import { type AlbumPropsError, type AlbumPropsFile, parseAlbumProps } from "./albumprops.js";
import type { LibraryAsset } from "./desired.js";

export const PAGE_SIZE = 1000;

/**
 * The assets an album shows and counts (its `assetCount`): timeline and archived ones. Hidden ones (a
 * live photo's motion part) and locked ones never are. Each is asked for by name: without a
 * `visibility`, v2 searches return timeline assets only and v3 searches hidden ones too.
 */
const SHOWN = [AssetVisibility.Timeline, AssetVisibility.Archive] as const;

type SearchFilter = { libraryId?: string; originalPath?: string; albumIds?: string[] };

/**
 * Shown assets matching `filter`, page by page in sequence (never in parallel), deduplicated by id.
 * Returns the most pages one visibility took.
 */
async function readPages(client: ImmichClient, filter: SearchFilter, into: Map<string, LibraryAsset>): Promise<number> {
  let most = 0;
  for (const visibility of SHOWN) {
    for (let page = 1; ; page++) {
      const res = await client.call("search assets", (o) => searchAssets({ metadataSearchDto: { ...filter, visibility, size: PAGE_SIZE, page, withDeleted: false } }, o));
      for (const a of res.assets.items) {
        if (!into.has(a.id)) into.set(a.id, { id: a.id, originalPath: a.originalPath, originalFileName: a.originalFileName, fileCreatedAt: a.fileCreatedAt, visibility: a.visibility });
      }
      const next = res.assets.nextPage === null ? Number.NaN : Number(res.assets.nextPage);
      if (!Number.isInteger(next) || next <= page) {
        most = Math.max(most, page);
        break;
      }
    }
  }
  return most;
}

/** How many shown assets the library holds, by the server's count. */
async function countShown(client: ImmichClient, libraryId: string): Promise<number> {
  let total = 0;
  for (const visibility of SHOWN) {
    total += (await client.call("asset statistics", (o) => searchAssetStatistics({ statisticsSearchDto: { libraryId, visibility } }, o))).total;
  }
  return total;
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
): Promise<{ assets: Map<string, LibraryAsset>; total: number; complete: boolean }> {
  const assets = new Map<string, LibraryAsset>();
  await readPages(client, filter, assets);
  const { libraryId } = filter;
  if (!libraryId) return { assets, total: assets.size, complete: true };
  let total = await countShown(client, libraryId);
  if (assets.size >= total) return { assets, total, complete: true };
  for (const root of roots) await readFolder(client, filter, root, assets);
  total = await countShown(client, libraryId);
  return { assets, total, complete: assets.size >= total };
}

async function readFolder(client: ImmichClient, filter: { libraryId?: string }, folder: string, into: Map<string, LibraryAsset>): Promise<void> {
  const found = new Map<string, LibraryAsset>();
  const pages = await readPages(client, { ...filter, originalPath: `${folder}/` }, found);
  for (const [id, a] of found) if (a.originalPath.startsWith(`${folder}/`)) into.set(id, a);
  if (pages <= 1) return;
  let children: string[] = [];
  try {
    children = (await readdir(folder, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => `${folder}/${d.name}`);
  } catch {
    return;
  }
  for (const child of children) await readFolder(client, filter, child, into);
}

/** The asset ids of one album (for albums whose count differs from the desired one). */
export async function readAlbumAssets(client: ImmichClient, albumId: string): Promise<Set<string>> {
  const into = new Map<string, LibraryAsset>();
  await readPages(client, { albumIds: [albumId] }, into);
  return new Set(into.keys());
}

/** Read the `.albumprops` of the given folders (absent files are simply absent). */
export async function readAlbumProps(folders: Iterable<string>): Promise<Map<string, AlbumPropsFile | AlbumPropsError>> {
  const out = new Map<string, AlbumPropsFile | AlbumPropsError>();
  const list = [...folders];
  for (let i = 0; i < list.length; i += 64) {
    await Promise.all(
      list.slice(i, i + 64).map(async (folder) => {
        const file = `${folder}/.albumprops`;
        let text: string;
        try {
          text = await readFile(file, "utf8");
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === "ENOENT" || code === "ENOTDIR") return;
          out.set(folder, { file, line: 1, column: 1, message: `cannot read: ${(error as Error).message}` });
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

/** Every folder from each asset's folder up to its root, for reading `.albumprops`. */
export function foldersOf(assets: Iterable<LibraryAsset>, roots: readonly string[]): Set<string> {
  const sorted = [...roots].map((r) => r.replace(/\/+$/, "")).sort((a, b) => b.length - a.length);
  const out = new Set<string>();
  for (const a of assets) {
    const root = sorted.find((r) => a.originalPath.startsWith(`${r}/`));
    if (root === undefined) continue;
    let folder = a.originalPath.slice(0, a.originalPath.lastIndexOf("/"));
    while (folder.length >= root.length && !out.has(folder)) {
      out.add(folder);
      if (folder === root) break;
      folder = folder.slice(0, folder.lastIndexOf("/"));
    }
  }
  return out;
}
