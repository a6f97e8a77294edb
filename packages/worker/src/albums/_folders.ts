import type { LibraryAsset } from "./desired.js";

/**
 * The assets of one folder as columns, one entry per asset: no object per asset, so a library of
 * 100,000 assets costs its ids and little more.
 */
export interface FolderAssets {
  readonly ids: string[];
  /** `fileCreatedAt` in ms since the epoch (NaN when unknown). */
  readonly taken: number[];
  /** One of the shared `VISIBILITY` strings (or the server's word for an unknown one). */
  readonly visibility: string[];
  /**
   * File names (the path below the folder) while the folder changes; once the index settles, they
   * are joined into `packed` (by "/", which no name holds), one string instead of one per asset.
   */
  names: string[] | undefined;
  packed: string;
  /** Position of each id, kept for big folders once an id is looked up. */
  at?: Map<string, number>;
}

/** What `put` did: a new asset, a known one whose date or visibility changed, or nothing. */
export type PutResult = "added" | "changed" | "same";

const VISIBILITY: Readonly<Record<string, string>> = { timeline: "timeline", archive: "archive", hidden: "hidden", locked: "locked" };
/** Folders up to this size are searched; bigger ones get a map of positions. */
const SCAN = 64;

/**
 * A string of its own: a slice of a longer string (a file name cut from its path) would keep the
 * whole longer string alive. V8 copies slices shorter than 13 characters anyway.
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
      f = { ids: [], taken: [], visibility: [], names: [], packed: "" };
      this.folders.set(own(folder), f);
    }
    return f;
  }

  /** Append an asset known to be absent from `f` (a record being loaded). */
  push(f: FolderAssets, id: string, taken: number, visibility: string, name: string): void {
    f.at?.set(id, f.ids.length);
    f.ids.push(id);
    f.taken.push(taken);
    f.visibility.push(VISIBILITY[visibility] ?? visibility);
    namesOf(f).push(name);
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
    // The last asset takes the removed one's place: order within a folder means nothing.
    const last = f.ids.length - 1;
    for (const column of [f.ids, f.taken, f.visibility, namesOf(f)] as unknown[][]) {
      column[i] = column[last];
      column.pop();
    }
    f.at?.delete(id);
    if (i < last) f.at?.set(f.ids[i]!, i);
    if (f.ids.length === 0) this.folders.delete(folder);
    this.#size--;
    return true;
  }

  /** Pack the names and drop the maps of positions (when no more changes come for a while). */
  settle(): void {
    for (const f of this.folders.values()) {
      delete f.at;
      if (f.names) {
        f.packed = f.names.join("/");
        f.names = undefined;
      }
    }
  }

  clear(): void {
    this.folders.clear();
    this.#size = 0;
  }

  /** The assets of `folder` as objects, made on the fly (for one album at a time); `taken` stands for `fileCreatedAt`. */
  *assetsOf(folder: string): Generator<LibraryAsset & { readonly taken: number }> {
    const f = this.folders.get(folder);
    if (!f) return;
    const names = f.names ?? f.packed.split("/");
    for (let i = 0; i < f.ids.length; i++) {
      yield { id: f.ids[i]!, originalPath: `${folder}/${names[i]}`, visibility: f.visibility[i]!, taken: f.taken[i]! };
    }
  }
}

/** The names of `f` as a list to change (unpacked when packed). */
function namesOf(f: FolderAssets): string[] {
  if (!f.names) {
    f.names = f.ids.length === 0 ? [] : f.packed.split("/");
    f.packed = "";
  }
  return f.names;
}

function position(f: FolderAssets, id: string): number {
  if (f.ids.length <= SCAN) return f.ids.indexOf(id);
  if (!f.at) f.at = new Map(f.ids.map((x, i) => [x, i]));
  return f.at.get(id) ?? -1;
}
