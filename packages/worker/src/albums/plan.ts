import type { DesiredAlbum, DesiredState, Visibility } from "./desired.js";
import { describe, userText } from "./marker.js";
import type { ServerAlbum } from "./server-album.js";

/** An album user's role as the worker sets it. */
export type Role = "viewer" | "editor";

/** Album fields to change with `PATCH /albums/{id}`. */
export interface AlbumUpdate {
  albumName?: string;
  description?: string;
  order?: "asc" | "desc";
  isActivityEnabled?: boolean;
  albumThumbnailAssetId?: string;
}

/** Everything to do to one album; each album is applied on its own. */
export interface AlbumChange {
  readonly key: string;
  readonly name: string;
  /** Set for existing albums; absent when the album is to be created. */
  readonly albumId?: string;
  readonly create?: {
    readonly albumName: string;
    readonly description: string;
    readonly assetIds: readonly string[];
    readonly albumUsers: readonly { readonly userId: string; readonly role: Role }[];
  };
  readonly addAssets: readonly string[];
  readonly removeAssets: readonly string[];
  readonly addUsers: readonly { readonly userId: string; readonly role: Role }[];
  readonly setRoles: readonly { readonly userId: string; readonly role: Role; readonly from: Role }[];
  readonly removeUsers: readonly string[];
  /** Fields to PATCH (after the create, for a new album). */
  readonly update?: AlbumUpdate;
  readonly visibility?: { readonly value: Visibility; readonly ids: readonly string[] };
  readonly delete?: string;
  /**
   * The album of a folder that was renamed or moved, kept for the folder's new name: `name` and `key`
   * are the new ones, the marker moves to `key`, the moved files' new assets are added.
   */
  readonly rename?: { readonly from: string; readonly fromKey: string; readonly files: number };
}

/** Files that were renamed or moved (the server made them new assets): by folder key, and by asset. */
export interface Moves {
  /** New album key → old album key → how many of its files came from there. */
  readonly keys: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Old asset id → the new asset id of the same file. */
  readonly ids: ReadonlyMap<string, string>;
}

/** Every album change for one library, and what was held back and why. */
export interface AlbumPlan {
  readonly library: string;
  readonly changes: readonly AlbumChange[];
  /** Albums of ours already as desired. */
  readonly unchanged: number;
  /** Destructive steps not planned, and why (a missing flag, a missing import root). */
  readonly held: readonly string[];
  readonly problems: readonly string[];
  readonly notes: readonly string[];
}

/** What `planAlbums` compares: the desired albums against the server's albums and users. */
export interface PlanInput {
  readonly library: string;
  readonly desired: DesiredState;
  /** The server id of a canonical user, or undefined when the server does not show them. */
  readonly userId: (user: string) => string | undefined;
  readonly ownerId: string;
  /** Every album the owner's key sees (ours and not). */
  readonly albums: readonly ServerAlbum[];
  /** Asset ids of the albums whose membership was read (see `albumsToRead`). */
  readonly membership: ReadonlyMap<string, ReadonlySet<string>>;
  readonly mode: "add-only" | "mirror";
  readonly allowRemovals: boolean;
  readonly cleanupEmpty: boolean;
  /** Import roots that are missing or empty: no removal or deletion happens while there is one. */
  readonly missingRoots: readonly string[];
  /** False when the asset list could not be checked against the server's totals. */
  readonly assetsComplete: boolean;
  /** A readable name of a user id, for messages. */
  readonly label?: (userId: string) => string;
  /** Files renamed or moved since the last read: their old album is kept for their new folder. */
  readonly moves?: Moves;
}

/** Ours = carries our marker for this library and is owned by the owner. */
export function ourAlbums(albums: readonly ServerAlbum[], library: string, ownerId: string): Map<string, ServerAlbum[]> {
  const byKey = new Map<string, ServerAlbum[]>();
  for (const a of albums) {
    if (a.marker?.library !== library || (a.ownerId !== undefined && a.ownerId !== ownerId)) continue;
    const list = byKey.get(a.marker.key) ?? [];
    list.push(a);
    byKey.set(a.marker.key, list);
  }
  for (const list of byKey.values()) list.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
  return byKey;
}

/**
 * Albums whose membership must be read: those whose asset count differs from the desired count.
 * An album whose count matches is taken as complete, so a no-op run reads no album's assets;
 * `deep` reads every album of ours (catches equal counts with different members).
 */
export function albumsToRead(desired: DesiredState, albums: readonly ServerAlbum[], library: string, ownerId: string, deep = false): string[] {
  const ours = ourAlbums(albums, library, ownerId);
  const out: string[] = [];
  for (const d of desired.albums) {
    const a = ours.get(d.key)?.[0];
    if (a && (deep || a.assetCount !== d.assetCount)) out.push(a.id);
  }
  return out;
}

/** Compute the changes that bring the server to the desired state. Pure: no I/O. */
export function planAlbums(input: PlanInput): AlbumPlan {
  const { desired, library, ownerId } = input;
  const problems = [...desired.problems];
  const notes = [...desired.notes];
  const held: string[] = [];
  const changes: AlbumChange[] = [];
  let unchanged = 0;
  const ours = ourAlbums(input.albums, library, ownerId);
  const safeToRemove = input.missingRoots.length === 0 && input.assetsComplete;
  if (input.missingRoots.length > 0) held.push(`import root missing or empty (${input.missingRoots.join(", ")}): no album loses assets or is deleted this run`);
  if (!input.assetsComplete) held.push("the asset list could not be checked against the server's totals (it differed, or no admin key): no removals this run");

  const wantedKeys = new Set(desired.albums.map((d) => d.key));
  const renamed = renames(input, ours, wantedKeys);
  for (const [from, to] of renamed.merged)
    notes.push(
      `album ${JSON.stringify(ours.get(from)![0]!.name)}: its folder's files moved to ${JSON.stringify(to)}, whose album is another one; it is left with no folder`,
    );

  for (const d of desired.albums) {
    const wanted = wantedUsers(d, input, problems);
    const existing = ours.get(d.key) ?? [];
    for (const dup of existing.slice(1)) {
      // Two runs at once (or a create still in flight when a killed worker restarted) can leave a second album of ours.
      if (input.cleanupEmpty && safeToRemove) changes.push({ ...emptyChange(d.key, dup.name, dup.id), delete: `duplicate of ${existing[0]!.id}` });
      else
        notes.push(
          `album ${JSON.stringify(dup.name)} (${dup.id}) duplicates ${existing[0]!.id} for ${JSON.stringify(d.key)}; --cleanup-empty deletes it (its photos stay in the other)`,
        );
    }
    const album = existing[0];
    const from = renamed.to.get(d.key);
    if (!album && from) {
      changes.push(updateChange(d, ours.get(from.key)![0]!, wanted, input, safeToRemove, held, from)!);
      continue;
    }
    if (!album) {
      changes.push(createChange(d, library, wanted));
      continue;
    }
    const change = updateChange(d, album, wanted, input, safeToRemove, held);
    if (change) changes.push(change);
    else unchanged++;
  }

  for (const [key, list] of ours) {
    if (wantedKeys.has(key) || desired.skipped.has(key) || renamed.from.has(key)) continue;
    for (const album of list) {
      const canDelete = album.assetCount === 0 || (input.mode === "mirror" && input.allowRemovals);
      if (!safeToRemove) continue;
      if (input.cleanupEmpty && canDelete) {
        changes.push({ ...emptyChange(key, album.name, album.id), delete: `its folder has no assets any more` });
      } else {
        held.push(
          `album ${JSON.stringify(album.name)} has no folder any more (${album.assetCount} assets); ${canDelete ? "--cleanup-empty deletes it" : "mirror mode with --allow-removals and --cleanup-empty deletes it"}`,
        );
      }
    }
  }
  return { library, changes, unchanged, held, problems, notes };
}

/**
 * Which album of ours each renamed or moved folder keeps: an album whose folder is gone goes to the new
 * folder that took most of its files (a split), and a new folder takes the album that gave it most of
 * its files (a merge); each album goes to one folder, each folder takes one album.
 */
function renames(input: PlanInput, ours: ReadonlyMap<string, ServerAlbum[]>, wantedKeys: ReadonlySet<string>) {
  const to = new Map<string, { key: string; files: number }>();
  const from = new Set<string>();
  const merged = new Map<string, string>();
  if (!input.moves) return { to, from, merged };
  const pairs: { to: string; from: string; files: number }[] = [];
  for (const [newKey, olds] of input.moves.keys) {
    if (ours.has(newKey) || !wantedKeys.has(newKey)) continue;
    for (const [oldKey, files] of olds) {
      if (ours.has(oldKey) && !wantedKeys.has(oldKey) && !input.desired.skipped.has(oldKey)) pairs.push({ to: newKey, from: oldKey, files });
    }
  }
  pairs.sort((a, b) => b.files - a.files || (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
  for (const p of pairs) {
    if (to.has(p.to) || from.has(p.from)) continue;
    to.set(p.to, { key: p.from, files: p.files });
    from.add(p.from);
  }
  for (const p of pairs) if (!from.has(p.from) && !merged.has(p.from)) merged.set(p.from, p.to);
  return { to, from, merged };
}

function emptyChange(key: string, name: string, albumId?: string): AlbumChange {
  return { key, name, ...(albumId ? { albumId } : {}), addAssets: [], removeAssets: [], addUsers: [], setRoles: [], removeUsers: [] };
}

function wantedUsers(d: DesiredAlbum, input: PlanInput, problems: string[]): Map<string, Role> {
  const out = new Map<string, Role>();
  for (const [user, role] of d.users) {
    const id = input.userId(user);
    if (id === undefined) {
      problems.push(
        `album ${JSON.stringify(d.name)}: cannot share with ${user}: no such user visible to the key (GET /users lists only the caller unless the key is an admin's or server.publicUsers is on)`,
      );
      continue;
    }
    if (id === input.ownerId) continue;
    out.set(id, role);
  }
  return out;
}

function thumbnailFor(d: DesiredAlbum, current: string | null, assets: ReadonlySet<string> | undefined): string | undefined {
  if (d.thumbnail === undefined) return undefined;
  if (d.thumbnail !== "random") return d.thumbnail;
  if (current && (assets ? assets.has(current) : d.assetIds().includes(current))) return current;
  let h = 0;
  for (const c of d.key) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  const ids = d.assetIds();
  return ids[h % ids.length];
}

function createChange(d: DesiredAlbum, library: string, wanted: Map<string, Role>): AlbumChange {
  const thumb = thumbnailFor(d, null, undefined);
  // The server makes the first asset the album's thumbnail: put the wanted one first.
  const assetIds = thumb ? [thumb, ...d.assetIds().filter((id) => id !== thumb)] : [...d.assetIds()];
  const update: AlbumUpdate = {};
  if (d.sortOrder && d.sortOrder !== "desc") update.order = d.sortOrder;
  if (d.commentsAndLikes === false) update.isActivityEnabled = false;
  return {
    ...emptyChange(d.key, d.name),
    create: {
      albumName: d.name,
      description: describe(d.description, { library, key: d.key }),
      assetIds,
      albumUsers: [...wanted].map(([userId, role]) => ({ userId, role })),
    },
    ...(Object.keys(update).length > 0 ? { update } : {}),
    ...(d.visibility && d.visibilityIds.length > 0 ? { visibility: { value: d.visibility, ids: d.visibilityIds } } : {}),
  };
}

function updateChange(
  d: DesiredAlbum,
  album: ServerAlbum,
  wanted: Map<string, Role>,
  input: PlanInput,
  safeToRemove: boolean,
  held: string[],
  rename?: { readonly key: string; readonly files: number },
): AlbumChange | undefined {
  // A renamed album is not read: the moved files are new assets, not in it yet (the server skips any that are).
  const members = rename ? new Set<string>() : input.membership.get(album.id);
  const addAssets = members ? d.assetIds().filter((id) => !members.has(id)) : [];
  let removeAssets: string[] = [];
  if (members && input.mode === "mirror") {
    const want = new Set(d.assetIds());
    const extra = [...members].filter((id) => !want.has(id));
    if (extra.length > 0 && safeToRemove && input.allowRemovals) removeAssets = extra;
    else if (extra.length > 0 && safeToRemove)
      held.push(`album ${JSON.stringify(d.name)}: ${extra.length} asset(s) no longer in its folder; --allow-removals removes them`);
  }
  const current = new Map(album.users.map((u) => [u.userId, u.role]));
  const addUsers = [...wanted].filter(([id]) => !current.has(id)).map(([userId, role]) => ({ userId, role }));
  const setRoles = [...wanted].flatMap(([userId, role]) => {
    const from = current.get(userId);
    return from !== undefined && from !== role ? [{ userId, role, from }] : [];
  });
  const removeUsers = [...current.keys()].filter((id) => !wanted.has(id));
  const update: AlbumUpdate = {};
  if (album.name !== d.name) update.albumName = d.name;
  if (d.description !== undefined || rename) {
    const text = describe(d.description ?? userText(album.description), { library: input.library, key: d.key });
    if (album.description !== text) update.description = text;
  }
  if (d.sortOrder && (album.order ?? "desc") !== d.sortOrder) update.order = d.sortOrder;
  if (d.commentsAndLikes !== undefined && album.isActivityEnabled !== d.commentsAndLikes) update.isActivityEnabled = d.commentsAndLikes;
  // A renamed album keeps its cover: the same photo, as the new asset of its file.
  const mine = rename ? new Set(d.assetIds()) : members;
  const moved = rename && album.thumbnailAssetId ? input.moves?.ids.get(album.thumbnailAssetId) : undefined;
  // Only to a photo of this album (a split's other part may have taken the cover's file).
  const cover = moved && mine?.has(moved) ? moved : album.thumbnailAssetId;
  const thumb = thumbnailFor(d, cover, mine) ?? (cover !== album.thumbnailAssetId ? (cover ?? undefined) : undefined);
  if (thumb && thumb !== album.thumbnailAssetId) update.albumThumbnailAssetId = thumb;
  const visibility = d.visibility && d.visibilityIds.length > 0 ? { value: d.visibility, ids: d.visibilityIds } : undefined;
  const empty =
    addAssets.length + removeAssets.length + addUsers.length + setRoles.length + removeUsers.length === 0 && Object.keys(update).length === 0 && !visibility;
  if (empty) return undefined;
  return {
    key: d.key,
    name: d.name,
    albumId: album.id,
    addAssets,
    removeAssets,
    addUsers,
    setRoles,
    removeUsers,
    ...(Object.keys(update).length > 0 ? { update } : {}),
    ...(visibility ? { visibility } : {}),
    ...(rename ? { rename: { from: album.name, fromKey: rename.key, files: rename.files } } : {}),
  };
}
