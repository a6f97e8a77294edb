import type { LibraryAsset } from "./desired.js";

/**
 * The assets of one folder as columns, one entry per asset: no object per asset. Once the index
 * settles, a folder's ids and names are packed into one string each, so a library of 100,000 assets
 * costs about 70 bytes an asset.
 */
export interface FolderAssets {
  /** `fileCreatedAt` in ms since the epoch (NaN when unknown); its length is the folder's count. */
  readonly taken: number[];
  /** One of the shared `VISIBILITY` strings (or the server's word for an unknown one). */
  readonly visibility: string[];
  /** Ids and file names (the path below the folder) as lists, while the folder changes. */
  open: { readonly ids: string[]; readonly names: string[]; at?: Map<string, number> } | undefined;
  /** Ids joined by line breaks and names joined by "/" (neither holds its separator) while it does not. */
  packed: { readonly ids: string; readonly names: string };
}

/** What `put` did: a new asset, a known one whose date or visibility changed, or nothing. */
export type PutResult = "added" | "changed" | "same";

const VISIBILITY: Readonly<Record<string, string>> = { timeline: "timeline", archive: "archive", hidden: "hidden", locked: "locked" };
/** Folders up to this size are searched; bigger ones get a map of positions. */
const SCAN = 64;

/**
 * A string of its own: a slice of a longer string (a file name cut from its path, an id cut from a
 * folder's packed ids) would keep the whole longer string alive. V8 copies slices shorter than 13
 * characters anyway.
 */
export const own = (s: string): string => (s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string));

/** A library's assets grouped by folder as they are read (page by page or line by line). */
export class FolderIndex {
  readonly folders = new Map<string, FolderAssets>();
  #size = 0;

  /** Index `assets` (later ones with the same id in the same folder win). */
  static of(assets: Iterable<LibraryAsset>): FolderIndex {
    const index = new FolderIndex();
    for (const a of assets) index.put(a.id, a.originalPath, a.fileCreatedAt, a.visibility);
    return index;
  }

  /** How many assets. */
  get size(): number {
    return this.#size;
  }

  /** The columns of `folder`, made empty when it is new. */
  folder(folder: string): FolderAssets {
    let f = this.folders.get(folder);
    if (!f) {
      f = { taken: [], visibility: [], open: { ids: [], names: [] }, packed: EMPTY };
      this.folders.set(own(folder), f);
    }
    return f;
  }

  /** Append an asset known to be absent from `f` (a record being loaded). */
  push(f: FolderAssets, id: string, taken: number, visibility: string, name: string): void {
    const open = opened(f);
    open.at?.set(id, open.ids.length);
    open.ids.push(id);
    open.names.push(name);
    f.taken.push(taken);
    f.visibility.push(VISIBILITY[visibility] ?? visibility);
    this.#size++;
  }

  /** Add an asset, or update the date and visibility of a known one. */
  put(id: string, originalPath: string, fileCreatedAt: string | undefined, visibility = "timeline"): PutResult {
    const slash = originalPath.lastIndexOf("/");
    const f = this.folder(originalPath.slice(0, slash));
    const taken = fileCreatedAt ? Date.parse(fileCreatedAt) : Number.NaN;
    const i = position(f, id);
    if (i < 0) {
      // An id from a page is a string of its own already; a name cut from its path is not.
      this.push(f, id, taken, visibility, own(originalPath.slice(slash + 1)));
      return "added";
    }
    const v = VISIBILITY[visibility] ?? visibility;
    if (f.visibility[i] === v && Object.is(f.taken[i], taken)) return "same";
    f.visibility[i] = v;
    f.taken[i] = taken;
    return "changed";
  }

  /** Drop an asset; false when it was not there. */
  remove(id: string, originalPath: string): boolean {
    const folder = originalPath.slice(0, originalPath.lastIndexOf("/"));
    const f = this.folders.get(folder);
    const i = f ? position(f, id) : -1;
    if (!f || i < 0) return false;
    const open = opened(f);
    // The last asset takes the removed one's place: order within a folder means nothing.
    const last = f.taken.length - 1;
    for (const column of [open.ids, open.names, f.taken, f.visibility] as unknown[][]) {
      column[i] = column[last];
      column.pop();
    }
    open.at?.delete(id);
    if (i < last) open.at?.set(open.ids[i]!, i);
    if (f.taken.length === 0) this.folders.delete(folder);
    this.#size--;
    return true;
  }

  /** Pack the ids and names of `folder` (of every folder without one): no more changes come for a while. */
  settle(folder?: FolderAssets): void {
    if (folder) seal(folder);
    else for (const f of this.folders.values()) seal(f);
  }

  clear(): void {
    this.folders.clear();
    this.#size = 0;
  }

  /** How many assets `folder` holds. */
  count(folder: string): number {
    return this.folders.get(folder)?.taken.length ?? 0;
  }

  /** The assets of `folder` as objects, made on the fly (for one album at a time); `taken` stands for `fileCreatedAt`. */
  *assetsOf(folder: string): Generator<LibraryAsset & { readonly taken: number }> {
    const f = this.folders.get(folder);
    if (!f) return;
    const { ids, names } = columns(f);
    for (let i = 0; i < f.taken.length; i++) {
      yield { id: ids[i]!, originalPath: `${folder}/${names[i]}`, visibility: f.visibility[i]!, taken: f.taken[i]! };
    }
  }
}

const EMPTY = { ids: "", names: "" } as const;

/** The ids and names of `f`, as they are (to read only). */
export function columns(f: FolderAssets): { readonly ids: readonly string[]; readonly names: readonly string[] } {
  if (f.open) return f.open;
  return f.taken.length === 0 ? { ids: [], names: [] } : { ids: f.packed.ids.split("\n"), names: f.packed.names.split("/") };
}

/** The lists of `f`, unpacked to change. */
function opened(f: FolderAssets): NonNullable<FolderAssets["open"]> {
  if (!f.open) {
    const { ids, names } = columns(f);
    f.open = { ids: [...ids], names: [...names] };
    f.packed = EMPTY;
  }
  return f.open;
}

function seal(f: FolderAssets): void {
  if (!f.open) return;
  f.packed = { ids: f.open.ids.join("\n"), names: f.open.names.join("/") };
  f.open = undefined;
}

function position(f: FolderAssets, id: string): number {
  const open = opened(f);
  if (open.ids.length <= SCAN) return open.ids.indexOf(id);
  if (!open.at) open.at = new Map(open.ids.map((x, i) => [x, i]));
  return open.at.get(id) ?? -1;
}
