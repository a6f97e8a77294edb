import {
  addAssetsToAlbum,
  AlbumUserRole,
  AssetOrder,
  AssetVisibility,
  addUsersToAlbum,
  createAlbum,
  deleteAlbum,
  getAlbumInfo,
  removeAssetFromAlbum,
  removeUserFromAlbum,
  updateAlbumInfo,
  updateAlbumUser,
  type UpdateAlbumDto,
  updateAssets,
} from "@immich/sdk";
import { errorMessage } from "@family/immich-spec";
import type { ImmichClient } from "../client/immich-client.js";
import type { Visibility } from "./desired.js";
import type { AlbumChange, AlbumUpdate, Role } from "./plan.js";
import { toServerAlbum } from "./server-album.js";

const CHUNK = 1000;

// The plan's words as the SDK's enums (the same strings on the wire).
const ROLE: Readonly<Record<Role, AlbumUserRole>> = { viewer: AlbumUserRole.Viewer, editor: AlbumUserRole.Editor };
const VISIBILITY: Readonly<Record<Visibility, AssetVisibility>> = {
  timeline: AssetVisibility.Timeline,
  archive: AssetVisibility.Archive,
  hidden: AssetVisibility.Hidden,
  locked: AssetVisibility.Locked,
};
const ORDER: Readonly<Record<NonNullable<AlbumUpdate["order"]>, AssetOrder>> = { asc: AssetOrder.Asc, desc: AssetOrder.Desc };
const albumUsers = (users: readonly { readonly userId: string; readonly role: Role }[]) => users.map((u) => ({ userId: u.userId, role: ROLE[u.role] }));
function updateDto({ order, ...rest }: AlbumUpdate): UpdateAlbumDto {
  return order === undefined ? rest : { ...rest, order: ORDER[order] };
}

/** What applying one album's change did; every failure carries the server's message. */
export interface AppliedChange {
  albumId?: string;
  created: boolean;
  assetsAdded: number;
  /** Ids the server accepted into an existing album. */
  added: string[];
  assetsRemoved: number;
  usersAdded: string[];
  rolesSet: string[];
  usersRemoved: string[];
  updated: string[];
  visibilityChanged: number;
  deleted: boolean;
  failures: string[];
}

const chunks = <T>(list: readonly T[]) => Array.from({ length: Math.ceil(list.length / CHUNK) }, (_, i) => list.slice(i * CHUNK, (i + 1) * CHUNK));

type AlbumUsers = AlbumChange["addUsers"];

/**
 * Apply one album's change. Each step is tried on its own: a failed share does not stop the others,
 * and whatever fails is reported and retried by the next run (the plan is recomputed from the server).
 * Album creation is never retried within a run (a lost answer must not make a duplicate).
 */
export async function applyChange(client: ImmichClient, change: AlbumChange, label: (userId: string) => string): Promise<AppliedChange> {
  const out: AppliedChange = {
    created: false,
    assetsAdded: 0,
    added: [],
    assetsRemoved: 0,
    usersAdded: [],
    rolesSet: [],
    usersRemoved: [],
    updated: [],
    visibilityChanged: 0,
    deleted: false,
    failures: [],
  };
  const name = JSON.stringify(change.name);
  let albumId = change.albumId;
  let addUsers = change.addUsers;
  if (change.create) {
    const made = await createNewAlbum(client, change.create, { out, name, label });
    if (!made) return out;
    albumId = made.id;
    if (made.shareAfter) addUsers = change.create.albumUsers;
  }
  if (!albumId) return out;
  out.albumId = albumId;
  const album: Applying = { client, id: albumId, out, name, label };
  if (change.delete) {
    await step(album, "delete", async () => {
      await client.call("delete album", (o) => deleteAlbum({ id: album.id }, o));
      out.deleted = true;
    });
    return out;
  }
  await applyAssets(album, change);
  await applyShares(album, change, addUsers);
  await applyProperties(album, change);
  return out;
}

/** Where one album's outcome is recorded, under its name (quoted) and with users named by `label`. */
interface Outcome {
  readonly out: AppliedChange;
  readonly name: string;
  readonly label: (userId: string) => string;
}

/** An album that exists, being changed. */
interface Applying extends Outcome {
  readonly client: ImmichClient;
  readonly id: string;
}

/** Run one step; its failure is recorded with the server's message and does not stop the next. */
async function step(album: Applying, what: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    album.out.failures.push(`album ${album.name}: ${what}: ${errorMessage(error)}`);
  }
}

/**
 * Create the album with its assets and users in one request. A share the server refuses (400) must not
 * stop the album: it is created unshared, and `shareAfter` says to share it one user at a time. Undefined
 * (the failure recorded) when it could not be created.
 */
async function createNewAlbum(
  client: ImmichClient,
  create: NonNullable<AlbumChange["create"]>,
  { out, name, label }: Outcome,
): Promise<{ readonly id: string; readonly shareAfter: boolean } | undefined> {
  const dto = { albumName: create.albumName, description: create.description, assetIds: [...create.assetIds] };
  const made = (album: { id: string; assetCount: number }, shareAfter: boolean) => {
    out.created = true;
    out.assetsAdded += album.assetCount;
    return { id: album.id, shareAfter };
  };
  try {
    const album = await client.once("create album", (o) => createAlbum({ createAlbumDto: { ...dto, albumUsers: albumUsers(create.albumUsers) } }, o));
    out.usersAdded.push(...create.albumUsers.map((u) => label(u.userId)));
    return made(album, false);
  } catch (error) {
    if (create.albumUsers.length === 0 || (error as { kind?: string }).kind !== "bad-request") {
      out.failures.push(`album ${name}: create: ${errorMessage(error)}`);
      return undefined;
    }
  }
  try {
    return made(await client.once("create album", (o) => createAlbum({ createAlbumDto: dto }, o)), true);
  } catch (again) {
    out.failures.push(`album ${name}: create: ${errorMessage(again)}`);
    return undefined;
  }
}

/** Add and remove the change's assets, a chunk per request; a duplicate is not a failure. */
async function applyAssets(album: Applying, change: AlbumChange): Promise<void> {
  const { client, id, out, name } = album;
  for (const ids of chunks(change.addAssets)) {
    await step(album, "add assets", async () => {
      const res = await client.call("add assets", (o) => addAssetsToAlbum({ id, bulkIdsDto: { ids } }, o));
      for (const r of res) if (r.success) out.added.push(r.id);
      out.assetsAdded += res.filter((r) => r.success).length;
      const bad = res.filter((r) => !r.success && r.error !== "duplicate");
      if (bad.length > 0) out.failures.push(`album ${name}: ${bad.length} asset(s) not added (${[...new Set(bad.map((r) => r.error))].join(", ")})`);
    });
  }
  for (const ids of chunks(change.removeAssets)) {
    await step(album, "remove assets", async () => {
      const res = await client.call("remove assets", (o) => removeAssetFromAlbum({ id, bulkIdsDto: { ids } }, o));
      out.assetsRemoved += res.filter((r) => r.success).length;
    });
  }
}

/** Share with `addUsers`, then set the roles that differ and remove the users the album should not have. */
async function applyShares(album: Applying, change: AlbumChange, addUsers: AlbumUsers): Promise<void> {
  const { client, id, out, label } = album;
  if (addUsers.length > 0) await shareWith(album, addUsers);
  for (const r of change.setRoles) {
    await step(album, `role of ${label(r.userId)}`, async () => {
      await client.call("set album role", (o) => updateAlbumUser({ id, userId: r.userId, updateAlbumUserDto: { role: ROLE[r.role] } }, o));
      out.rolesSet.push(`${label(r.userId)} ${r.from}→${r.role}`);
    });
  }
  for (const userId of change.removeUsers) {
    await step(album, `remove ${label(userId)}`, async () => {
      await client.call("remove album user", (o) => removeUserFromAlbum({ id, userId }, o));
      out.usersRemoved.push(label(userId));
    });
  }
}

/** The album's own fields (name, description, order, activity, thumbnail), then its assets' visibility. */
async function applyProperties(album: Applying, change: AlbumChange): Promise<void> {
  const { client, id, out } = album;
  const update = change.update;
  if (update) {
    await step(album, "update", async () => {
      await client.call("update album", (o) => updateAlbumInfo({ id, updateAlbumDto: updateDto(update) }, o));
      out.updated.push(...Object.keys(update));
    });
  }
  const vis = change.visibility;
  if (!vis) return;
  for (const ids of chunks(vis.ids)) {
    await step(album, "visibility", async () => {
      await client.call("set visibility", (o) => updateAssets({ assetBulkUpdateDto: { ids, visibility: VISIBILITY[vis.value] } }, o));
      out.visibilityChanged += ids.length;
    });
  }
}

/**
 * `PUT /albums/{id}/users` stops at the first user it refuses and keeps the ones before it. Try the
 * whole list once; on a refusal, re-read the album and add the still-missing users one at a time.
 */
async function shareWith({ client, id, out, name, label }: Applying, users: AlbumUsers): Promise<void> {
  try {
    await client.once("share album", (o) => addUsersToAlbum({ id, addUsersDto: { albumUsers: albumUsers(users) } }, o));
    out.usersAdded.push(...users.map((u) => label(u.userId)));
    return;
  } catch (error) {
    if ((error as { kind?: string }).kind !== "bad-request" || users.length === 1) {
      out.failures.push(`album ${name}: share with ${users.map((u) => label(u.userId)).join(", ")}: ${errorMessage(error)}`);
      return;
    }
  }
  let present: Set<string>;
  try {
    present = new Set(toServerAlbum(await client.call("read album", (o) => getAlbumInfo({ id }, o))).users.map((u) => u.userId));
  } catch (error) {
    out.failures.push(`album ${name}: re-read after a refused share: ${errorMessage(error)}`);
    return;
  }
  for (const u of users) {
    if (present.has(u.userId)) {
      out.usersAdded.push(label(u.userId));
      continue;
    }
    try {
      await client.once("share album", (o) => addUsersToAlbum({ id, addUsersDto: { albumUsers: albumUsers([u]) } }, o));
      out.usersAdded.push(label(u.userId));
    } catch (error) {
      out.failures.push(`album ${name}: share with ${label(u.userId)}: ${errorMessage(error)}`);
    }
  }
}
