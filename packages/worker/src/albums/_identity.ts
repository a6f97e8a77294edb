import { lstat } from "node:fs/promises";
import type { FolderIndex } from "./_folders.js";

/** Files looked at at once. */
const AT_ONCE = 64;

/**
 * A file's identity as the worker's read-only mount shows it: a 52-bit hash of its size and its mtime
 * in whole milliseconds, never 0 (0 means "could not be looked at"). A rename or a move keeps both, so
 * does a copy that keeps the mtime (`cp -p`, `rsync -a`); an edit changes them. Immich's checksum of an
 * external-library asset is a SHA-1 of `path:<absolute path>`, so it cannot tell a moved file.
 */
export function identity(size: number, mtimeMs: number): number {
  const text = `${size}:${Math.floor(mtimeMs)}`;
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return (h1 >>> 0) * 0x100000 + ((h2 >>> 12) & 0xfffff) || 1;
}

/** The identity of the file at `path`, 0 when it cannot be looked at (gone, unreadable, not a file). */
export async function identityOf(path: string): Promise<number> {
  try {
    const s = await lstat(path);
    return s.isFile() ? identity(s.size, s.mtimeMs) : 0;
  } catch {
    return 0;
  }
}

/**
 * Look at the files of every asset whose identity is not known yet (NaN): the assets new since the
 * record, or all of them on a first read. Files under `skip` (a missing import root) are not looked at.
 * A run with nothing new looks at no file.
 */
export async function fingerprint(index: FolderIndex, skip: readonly string[] = []): Promise<number> {
  const todo: { ident: number[]; i: number; path: string }[] = [];
  let looked = 0;
  const flush = async () => {
    await Promise.all(
      todo.map(async (t) => {
        t.ident[t.i] = await identityOf(t.path);
      }),
    );
    looked += todo.length;
    todo.length = 0;
  };
  for (const [folder, f] of index.folders) {
    const first = f.ident.findIndex(Number.isNaN);
    if (first < 0) continue;
    // A dropped mount: look again when it is back.
    if (skip.some((r) => folder === r || folder.startsWith(`${r}/`))) continue;
    const names = f.names.unpack();
    for (let i = first; i < f.ident.length; i++) {
      if (!Number.isNaN(f.ident[i]!)) continue;
      todo.push({ ident: f.ident, i, path: `${folder}/${names[i]}` });
      if (todo.length >= AT_ONCE) await flush();
    }
  }
  await flush();
  return looked;
}

/** An asset the changes read found gone (trashed or offline), as the record knew it. */
export interface GoneAsset {
  readonly id: string;
  readonly folder: string;
  readonly name: string;
  readonly ident: number;
}

/** An asset new since the record, where the server shows it. */
export interface NewAsset {
  readonly id: string;
  readonly originalPath: string;
}

/** A file the server imported as a new asset that is an asset gone in the same read: renamed or moved. */
export interface MovedAsset {
  readonly from: { readonly id: string; readonly folder: string };
  readonly to: { readonly id: string; readonly folder: string };
}

/**
 * Pair each new asset with a gone one of the same identity: first those with the same file name (a
 * renamed or moved folder keeps its files' names), then, per identity, a last new asset and a last gone
 * one when each is alone (a file renamed as it moved). Each gone asset pairs at most once; a new file
 * that only shares an identity with several gone ones stays new. Looks at no file: the identities are
 * the index's (new assets' files were just looked at by `fingerprint`).
 */
export function matchMoves(index: FolderIndex, added: readonly NewAsset[], gone: readonly GoneAsset[]): MovedAsset[] {
  const byIdent = new Map<number, GoneAsset[]>();
  for (const g of gone) {
    if (!(g.ident > 0)) continue;
    const list = byIdent.get(g.ident);
    if (list) list.push(g);
    else byIdent.set(g.ident, [g]);
  }
  if (byIdent.size === 0) return [];
  const moves: MovedAsset[] = [];
  const pair = (g: GoneAsset, to: { id: string; folder: string }) => {
    if (g.folder !== to.folder) moves.push({ from: { id: g.id, folder: g.folder }, to });
  };
  const left = new Map<number, { id: string; folder: string }[]>();
  for (const a of added) {
    const slash = a.originalPath.lastIndexOf("/");
    const folder = a.originalPath.slice(0, slash);
    const ident = index.identOf(folder, a.id);
    const candidates = ident > 0 ? byIdent.get(ident) : undefined;
    if (!candidates) continue;
    const name = a.originalPath.slice(slash + 1);
    const at = candidates.findIndex((g) => g.name === name);
    if (at >= 0) pair(candidates.splice(at, 1)[0]!, { id: a.id, folder });
    else left.set(ident, [...(left.get(ident) ?? []), { id: a.id, folder }]);
  }
  for (const [ident, news] of left) {
    const olds = byIdent.get(ident)!;
    if (news.length === 1 && olds.length === 1) pair(olds[0]!, news[0]!);
  }
  return moves;
}
