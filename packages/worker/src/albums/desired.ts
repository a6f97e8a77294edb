import { albumName, albumSlice, type NameRules } from "./album-name.js";
import { type AlbumPropsError, type AlbumPropsFile, formatAlbumPropsError } from "./albumprops.js";
import { type BaseAlbumProperties, resolveAlbumProperties, type UserResolver } from "./albumprops-inherit.js";
import { folderFilter } from "./folder-filter.js";
import { FolderIndex } from "./_folders.js";

/** What the desired-state builder needs to know of an asset (from `POST /search/metadata`). */
export interface LibraryAsset {
  readonly id: string;
  readonly originalPath: string;
  readonly originalFileName?: string;
  readonly fileCreatedAt?: string;
  readonly visibility?: string;
}

/** An asset's visibility in Immich, as an album's `.albumprops` may set it. */
export type Visibility = "timeline" | "archive" | "hidden" | "locked";

/** One album as the folders and their `.albumprops` want it. */
export interface DesiredAlbum {
  /** The marker key: the folder chunks joined by `/`. */
  readonly key: string;
  readonly name: string;
  /** The user's description (without our marker). */
  readonly description?: string;
  /**
   * The album's asset ids, by date then path. From `desiredAlbums`, made from the folder index on the
   * first call (a run that only compares counts never makes them), then kept.
   */
  assetIds(): readonly string[];
  /** How many assets, without making the list of ids. */
  readonly assetCount: number;
  /** Canonical user (as the resolver returns it) → role; never the owner. */
  readonly users: ReadonlyMap<string, "viewer" | "editor">;
  readonly sortOrder?: "asc" | "desc";
  readonly commentsAndLikes?: boolean;
  /** An asset id, or `random` (kept while the current thumbnail is one of the album's assets). */
  readonly thumbnail?: string;
  readonly visibility?: Visibility;
  /** Assets whose visibility differs from the album's `visibility`. */
  readonly visibilityIds: readonly string[];
  /** The album's folder (absolute), whose `.albumprops` decide its properties. */
  readonly folder: string;
}

/** A library's album rules from the spec: naming, folder filters, base properties. */
export interface AlbumRulesInput extends NameRules {
  readonly include: readonly string[];
  readonly ignore: readonly string[];
  readonly base: BaseAlbumProperties;
}

/** What `desiredAlbums` reads: the rules, the library's roots and assets, each folder's `.albumprops`. */
export interface DesiredInput {
  readonly rules: AlbumRulesInput;
  /** Absolute import paths of the library (the "library root" the levels count from is the one a file is under). */
  readonly roots: readonly string[];
  /** The assets, or (cheaper: no object per asset is held) the index they were read into. */
  readonly assets: Iterable<LibraryAsset> | FolderIndex;
  /** The parsed `.albumprops` of a folder (absolute path), an error, or undefined when it has none. */
  readonly albumprops: (folder: string) => AlbumPropsFile | AlbumPropsError | undefined;
  readonly resolveUser: UserResolver;
  /** The canonical user of the album owner: dropped from every share list. */
  readonly owner: string;
}

/** Every album the library's folders want, and the albums skipped this run. */
export interface DesiredState {
  readonly albums: readonly DesiredAlbum[];
  /** Keys of albums left untouched this run (a broken `.albumprops` on their way). */
  readonly skipped: ReadonlyMap<string, string>;
  readonly problems: readonly string[];
  readonly notes: readonly string[];
}

interface Group {
  readonly chunks: readonly string[];
  readonly anchors: Set<string>;
  readonly folders: Set<string>;
}

type Taken = LibraryAsset & { readonly taken: number };

const isError = (v: AlbumPropsFile | AlbumPropsError | undefined): v is AlbumPropsError => v !== undefined && "message" in v;

/** Where a folder's files go: its album's key and chunks, and the folder its properties come from. */
interface FolderAlbum {
  readonly key: string;
  readonly chunks: readonly string[];
  readonly root: string;
  readonly segments: readonly string[];
  readonly anchorDepth: number;
}

/** The library root a folder (absolute) is under: the longest of `libraryRoots` that holds it (undefined: none). */
export function rootOf(libraryRoots: readonly string[]): (folder: string) => string | undefined {
  const roots = [...libraryRoots].map((r) => r.replace(/\/+$/, "")).sort((a, b) => b.length - a.length);
  return (folder) => roots.find((r) => folder === r || folder.startsWith(`${r}/`));
}

/** The album a folder (absolute) of a library gives its files, by the rules (undefined: none). */
export function folderAlbums(rules: Pick<AlbumRulesInput, "levels" | "include" | "ignore">, libraryRoots: readonly string[]) {
  const rootOfFolder = rootOf(libraryRoots);
  const keep = folderFilter(rules.include, rules.ignore);
  return (folder: string): FolderAlbum | undefined => {
    // originalPath matching on the server is a substring match: re-check the prefix here.
    const root = rootOfFolder(folder);
    if (root === undefined || folder === root) return undefined;
    const segments = folder.slice(root.length + 1).split("/");
    if (!keep(segments.join("/"))) return undefined;
    const slice = albumSlice(segments, rules.levels);
    if (!slice) return undefined;
    return { key: slice.chunks.join("/"), chunks: slice.chunks, root, segments, anchorDepth: slice.anchorDepth };
  };
}

/** Group a library's assets into the albums the rules and `.albumprops` ask for. */
export function desiredAlbums(input: DesiredInput): DesiredState {
  const index = input.assets instanceof FolderIndex ? input.assets : FolderIndex.of(input.assets);
  const groups = groupFolders(index, folderAlbums(input.rules, input.roots));
  const run: AlbumsRun = { input, index, chainOf: folderChain(input.roots), findings: new Findings() };
  const albums: DesiredAlbum[] = [];
  for (const [key, g] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const album = desiredAlbum(run, key, g);
    if (album) albums.push(album);
  }
  noteSameNames(albums, run.findings.notes);
  const { skipped, problems, notes } = run.findings;
  return { albums, skipped, problems, notes };
}

/** What a run reports besides its albums; a problem several albums share is reported once. */
class Findings {
  readonly problems: string[] = [];
  readonly notes: string[] = [];
  readonly skipped = new Map<string, string>();
  readonly #reported = new Set<string>();

  /** Report `line` unless it was reported already. */
  once(line: string): void {
    if (!this.#reported.has(line)) this.problems.push(line);
    this.#reported.add(line);
  }
}

/** What each album of one `desiredAlbums` run reads, and where it reports. */
interface AlbumsRun {
  readonly input: DesiredInput;
  readonly index: FolderIndex;
  /** A folder and every folder above it up to its library root, root first: where `.albumprops` apply from. */
  readonly chainOf: (folder: string) => string[];
  readonly findings: Findings;
}

/** Every file of a folder goes to the same album: group folders (by album key), not files. */
function groupFolders(index: FolderIndex, albumOf: ReturnType<typeof folderAlbums>): Map<string, Group> {
  const groups = new Map<string, Group>();
  for (const [folder, f] of index.folders) {
    if (f.taken.length === 0) continue;
    const slice = albumOf(folder);
    if (!slice) continue;
    const { key, root, segments } = slice;
    let g = groups.get(key);
    if (!g) {
      g = { chunks: slice.chunks, anchors: new Set(), folders: new Set() };
      groups.set(key, g);
    }
    g.anchors.add([root, ...segments.slice(0, slice.anchorDepth)].join("/"));
    g.folders.add(folder);
  }
  return groups;
}

/** A folder's chain of folders from its library root down to itself (see `AlbumsRun.chainOf`). */
function folderChain(libraryRoots: readonly string[]): (folder: string) => string[] {
  const rootOfFolder = rootOf(libraryRoots);
  return (folder) => {
    const root = rootOfFolder(folder) ?? folder;
    const parts = folder.slice(root.length).split("/").filter(Boolean);
    return [root, ...parts.map((_, i) => [root, ...parts.slice(0, i + 1)].join("/"))];
  };
}

/** The album of one group of folders, or undefined when it is skipped this run (the findings say why). */
function desiredAlbum(run: AlbumsRun, key: string, g: Group): DesiredAlbum | undefined {
  if (skippedForBrokenProps(run, key, g)) return undefined;
  const { anchor, resolved } = albumProperties(run, key, g);
  const users = sharedWith(run, key, resolved);
  const name = resolved.overrideName?.trim() || albumName(g.chunks, run.input.rules);
  if (!name) {
    run.findings.problems.push(`album ${JSON.stringify(key)}: the rename rules leave an empty name; skipped`);
    run.findings.skipped.set(key, "empty name");
    return undefined;
  }
  return {
    key,
    name,
    ...(resolved.description !== undefined ? { description: resolved.description } : {}),
    users,
    ...(resolved.sortOrder ? { sortOrder: resolved.sortOrder } : {}),
    ...(resolved.commentsAndLikes !== undefined ? { commentsAndLikes: resolved.commentsAndLikes } : {}),
    ...albumAssets(run, key, [...g.folders], resolved, anchor),
    folder: anchor,
  };
}

/** A broken `.albumprops` in any folder on the way to the group's folders skips its album (each error reported once). */
function skippedForBrokenProps(run: AlbumsRun, key: string, g: Group): boolean {
  const broken = new Set<AlbumPropsError>();
  for (const folder of g.folders)
    for (const f of run.chainOf(folder)) {
      const p = run.input.albumprops(f);
      if (isError(p)) broken.add(p);
    }
  if (broken.size === 0) return false;
  const first = [...broken][0]!;
  run.findings.skipped.set(key, `album ${JSON.stringify(key)} skipped: ${formatAlbumPropsError(first)}`);
  for (const b of broken) for (const e of [b, ...(b.also ?? [])]) run.findings.once(formatAlbumPropsError(e));
  return true;
}

type Resolved = ReturnType<typeof resolveAlbumProperties>;

/** The album's properties, from the `.albumprops` down to its first anchor folder (a note when its other anchors would differ). */
function albumProperties(run: AlbumsRun, key: string, g: Group): { readonly anchor: string; readonly resolved: Resolved } {
  const { input } = run;
  const anchors = [...g.anchors].sort();
  const resolveAt = (anchor: string) =>
    resolveAlbumProperties(
      input.rules.base,
      run.chainOf(anchor).flatMap((f) => {
        const props = input.albumprops(f);
        return props && !isError(props) ? [{ props, own: f === anchor }] : [];
      }),
      input.resolveUser,
    );
  const anchor = anchors[0]!;
  const resolved = resolveAt(anchor);
  if (anchors.length > 1) {
    const sig = (r: Resolved) => JSON.stringify({ ...r, shareWith: [...r.shareWith].sort() });
    const mine = sig(resolved);
    const other = anchors.slice(1).find((a) => sig(resolveAt(a)) !== mine);
    if (other) run.findings.notes.push(`album ${JSON.stringify(key)} gathers folders with different .albumprops; using ${anchor} (not ${other})`);
  }
  return { anchor, resolved };
}

/** Who the album is shared with: its resolved share list without the owner (unknown users reported). */
function sharedWith(run: AlbumsRun, key: string, resolved: Resolved): Map<string, "viewer" | "editor"> {
  for (const u of resolved.unknownUsers)
    run.findings.problems.push(`album ${JSON.stringify(key)}: share_with user ${JSON.stringify(u)} is not a member (handle or email) nor a server user`);
  const users = new Map(resolved.shareWith);
  if (users.delete(run.input.owner)) run.findings.notes.push(`album ${JSON.stringify(key)}: the owner is not added to its own share list`);
  return users;
}

/**
 * The album's assets: their count, their ids (made lazily), and what needs them sorted now (its
 * thumbnail, its visibility). Assets are objects only for as long as it takes to sort them.
 */
function albumAssets(
  run: AlbumsRun,
  key: string,
  folders: readonly string[],
  resolved: Resolved,
  anchor: string,
): Pick<DesiredAlbum, "assetIds" | "assetCount" | "thumbnail" | "visibility" | "visibilityIds"> {
  const { index } = run;
  // An album neither shows nor counts hidden or locked assets: they would vanish from the very album
  // that set them. Only timeline and archive are applied.
  const hides = resolved.visibility === "hidden" || resolved.visibility === "locked";
  const visibility = hides ? undefined : resolved.visibility;
  const assets = resolved.thumbnail || visibility ? sortedAssets(index, folders) : undefined;
  const thumbnail = assets && pickThumbnail(resolved.thumbnail, assets, anchor);
  if (resolved.thumbnail && thumbnail === undefined)
    run.findings.problems.push(`album ${JSON.stringify(key)}: thumbnail_setting ${JSON.stringify(resolved.thumbnail)} matches no file; left as is`);
  if (hides)
    run.findings.once(
      `visibility ${resolved.visibility} is not applied (albums do not show hidden or locked assets, so they would vanish from their own album); use archive or timeline`,
    );
  return {
    assetIds: lazyAssetIds(
      index,
      folders,
      assets?.map((a) => a.id),
    ),
    assetCount: folders.reduce((n, folder) => n + index.count(folder), 0),
    ...(thumbnail ? { thumbnail } : {}),
    ...(visibility ? { visibility } : {}),
    visibilityIds: visibility && assets ? assets.filter((a) => a.visibility !== undefined && a.visibility !== visibility).map((a) => a.id) : [],
  };
}

/** The assets of `folders` as objects, by date then path. */
function sortedAssets(index: FolderIndex, folders: readonly string[]): Taken[] {
  const assets: Taken[] = [];
  for (const folder of folders) for (const a of index.assetsOf(folder)) assets.push(a);
  return assets.sort(byTakenThenPath);
}

/** An album's ids: `made` already, or made from the index on the first call (if the plan ever asks), then kept. */
function lazyAssetIds(index: FolderIndex, folders: readonly string[], made: readonly string[] | undefined): () => readonly string[] {
  let ids = made;
  return () => {
    ids ??= sortedAssets(index, folders).map((a) => a.id);
    return ids;
  };
}

/** Albums may share a name (Immich allows it): a note for each. */
function noteSameNames(albums: readonly DesiredAlbum[], notes: string[]): void {
  const names = new Map<string, string>();
  for (const a of albums) {
    const seen = names.get(a.name);
    if (seen !== undefined)
      notes.push(
        `albums ${JSON.stringify(seen)} and ${JSON.stringify(a.key)} are both named ${JSON.stringify(a.name)} (Immich allows it; they stay two albums)`,
      );
    else names.set(a.name, a.key);
  }
}

function byTakenThenPath(a: Taken, b: Taken): number {
  // An unknown date (NaN) comes first.
  const ta = Number.isNaN(a.taken) ? Number.NEGATIVE_INFINITY : a.taken;
  const tb = Number.isNaN(b.taken) ? Number.NEGATIVE_INFINITY : b.taken;
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.originalPath < b.originalPath ? -1 : a.originalPath > b.originalPath ? 1 : 0;
}

function pickThumbnail(setting: string | undefined, assets: readonly LibraryAsset[], anchor: string): string | undefined {
  if (!setting) return undefined;
  if (setting === "first") return assets[0]?.id;
  if (setting === "last") return assets.at(-1)?.id;
  if (setting === "random") return assets.length > 0 ? "random" : undefined;
  const wanted = setting.replace(/^\.?\//, "");
  return assets.find((a) => a.originalPath === `${anchor}/${wanted}` || a.originalFileName === wanted || a.originalPath.endsWith(`/${wanted}`))?.id;
}
