import { PackedColumn } from "./_packed-column.js";
import type { LibraryAsset } from "./desired.js";

/**
 * The assets of one folder as columns, one entry per asset: no object per asset. Once the index
 * settles, a folder's names (and, for an index loaded from the record, its ids) are packed into one
 * string each: a library of 100,000 assets costs about 70 bytes an asset.
 */
export interface FolderAssets {
  /** `fileCreatedAt` in ms since the epoch (NaN when unknown); its length is the folder's count. */
  readonly taken: number[];
  /** One of the shared `VISIBILITY` strings (or the server's word for an unknown one). */
  readonly visibility: string[];
  /**
   * What the file on disk was when first seen: a hash of its size and mtime (see `_identity.ts`); NaN
   * until it is looked at, 0 when it could not be. A renamed or moved file keeps it.
   */
  readonly ident: number[];
  /** Ids, packed joined by tabs (an id from the server holding one keeps its folder unpacked). */
  readonly ids: PackedColumn;
  /** File names (the path below the folder), packed joined by "/", which no file name holds. */
  readonly names: PackedColumn;
  /** Position of each id, kept for big folders once an id is looked up. */
  at?: Map<string, number>;
}

/** What `put` did: a new asset, a known one whose date or visibility changed, or nothing. */
export type PutResult = "added" | "changed" | "same";

const VISIBILITY: Readonly<Record<string, string>> = { timeline: "timeline", archive: "archive", hidden: "hidden", locked: "locked" };
/**
 * What packed columns are joined by: no file name (below its folder) holds a "/", whatever else it holds
 * (tabs, line breaks); server ids hold no tab (one that did would keep its folder's ids a list).
 */
const ID_SEPARATOR = "\t";
const NAME_SEPARATOR = "/";
/** Folders up to this size are searched; bigger ones get a map of positions. */
const SCAN = 64;

/**
 * A string of its own: a slice of a longer string (a file name cut from its path, an id cut from a
 * folder's packed ids) would keep the whole longer string alive. V8 copies slices shorter than 13
 * characters anyway.
 */
const own = (s: string): string => (s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string));

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
      f = { taken: [], visibility: [], ident: [], ids: new PackedColumn(ID_SEPARATOR), names: new PackedColumn(NAME_SEPARATOR) };
      this.folders.set(own(folder), f);
    }
    return f;
  }

  /**
   * A whole folder at once, its columns already packed (a record being loaded): `ids` and `names`
   * joined by their separators, one entry per asset in each of the other columns. False (nothing is
   * loaded) when `ids` or `names` does not hold one value per asset.
   */
  load(folder: string, ids: string, names: string, taken: number[], visibility: string[], ident: number[]): boolean {
    const idColumn = PackedColumn.parse(ID_SEPARATOR, ids, taken.length);
    const nameColumn = PackedColumn.parse(NAME_SEPARATOR, names, taken.length);
    if (!idColumn || !nameColumn) return false;
    this.folders.set(folder, { taken, visibility, ident, ids: idColumn, names: nameColumn });
    this.#size += taken.length;
    return true;
  }

  /** Append an asset known to be absent from `f` (a record being loaded). */
  push(f: FolderAssets, id: string, taken: number, visibility: string, name: string, ident = Number.NaN): void {
    const ids = f.ids.edit(own);
    f.at?.set(id, ids.length);
    ids.push(id);
    f.names.edit(own).push(name);
    f.taken.push(taken);
    f.visibility.push(VISIBILITY[visibility] ?? visibility);
    f.ident.push(ident);
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
    // The server re-read the file: look at it again.
    f.ident[i] = Number.NaN;
    return "changed";
  }

  /** Drop an asset; false when it was not there. */
  remove(id: string, originalPath: string): boolean {
    return this.take(id, originalPath) !== undefined;
  }

  /** Drop an asset; what it was (its folder, file name and identity), or undefined when it was not there. */
  take(id: string, originalPath: string): { readonly folder: string; readonly name: string; readonly ident: number } | undefined {
    const folder = originalPath.slice(0, originalPath.lastIndexOf("/"));
    const f = this.folders.get(folder);
    const i = f ? position(f, id) : -1;
    if (!f || i < 0) return undefined;
    const ids = f.ids.edit(own);
    const names = f.names.edit(own);
    const gone = { folder, name: names[i]!, ident: f.ident[i]! };
    // The last asset takes the removed one's place: order within a folder means nothing.
    const last = f.taken.length - 1;
    for (const column of [ids, names, f.taken, f.visibility, f.ident] as unknown[][]) {
      column[i] = column[last];
      column.pop();
    }
    f.at?.delete(id);
    if (i < last) f.at?.set(ids[i]!, i);
    if (f.taken.length === 0) this.folders.delete(folder);
    this.#size--;
    return gone;
  }

  /** The identity of asset `id` in `folder` (NaN when unknown). */
  identOf(folder: string, id: string): number {
    const f = this.folders.get(folder);
    const i = f ? position(f, id) : -1;
    return f && i >= 0 ? f.ident[i]! : Number.NaN;
  }

  /**
   * No more changes come for a while: pack the names of `folder` (of every folder without one), and
   * its ids unless `ids` is false (ids read from pages are kept as they are, for the plan to share).
   */
  settle(folder?: FolderAssets, { ids = true } = {}): void {
    for (const f of folder ? [folder] : this.folders.values()) {
      delete f.at;
      f.names.pack();
      if (ids) f.ids.pack();
    }
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
    // Ids as strings of their own, since whoever reads them may keep them; names as slices, used and dropped.
    const ids = f.ids.unpack(own);
    const names = f.names.unpack();
    for (let i = 0; i < f.taken.length; i++) {
      yield { id: ids[i]!, originalPath: `${folder}/${names[i]}`, visibility: f.visibility[i]!, taken: f.taken[i]! };
    }
  }
}

function position(f: FolderAssets, id: string): number {
  const ids = f.ids.edit(own);
  if (ids.length <= SCAN) return ids.indexOf(id);
  if (!f.at) f.at = new Map(ids.map((x, i) => [x, i]));
  return f.at.get(id) ?? -1;
}
