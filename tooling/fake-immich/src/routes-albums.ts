import { randomUUID } from "node:crypto";
import { type FakeAlbum, type FakeAlbumRole, albumState, assetVisibility, setAssetVisibility } from "./albums-state.js";
import { badRequest, FakeHttpError } from "./errors.js";
import type { FakeRouter, RouteContext, RouteHandler } from "./router.js";
import { userDto } from "./routes/users.js";
import { Checks, objectBody } from "./routes/validation.js";
import { type FakeAsset, type FakeState, now } from "./state.js";

const ROLES = ["viewer", "editor"] as const;

const SHOWN = new Set(["timeline", "archive"]);

/** The album's assets a client sees: not trashed, and timeline or archived (hidden and locked ones are left out). */
function shownAssets(state: FakeState, album: FakeAlbum): FakeAsset[] {
  return [...album.assetIds].flatMap((id) => {
    const a = state.assets.get(id);
    return a && a.deletedAt === null && SHOWN.has(assetVisibility(a)) ? [a] : [];
  });
}

/** An album response, in the shape of the server's line (`LineApi.albums`). */
export function albumDto(state: FakeState, album: FakeAlbum, withAssets: boolean) {
  const owner = state.users.get(album.ownerId);
  const shared = [...album.users].flatMap(([userId, role]) => {
    const u = state.users.get(userId);
    return u ? [{ role, user: userDto(u) }] : [];
  });
  const base = {
    id: album.id,
    albumName: album.albumName,
    description: album.description,
    albumThumbnailAssetId: album.albumThumbnailAssetId,
    createdAt: album.createdAt,
    updatedAt: album.updatedAt,
    assetCount: shownAssets(state, album).length,
    shared: album.users.size > 0,
    hasSharedLink: [...albumState(state).sharedLinks.values()].some((l) => l.albumId === album.id),
    isActivityEnabled: album.isActivityEnabled,
    order: album.order,
  };
  if (state.api.albums === "album-users") {
    return { ...base, albumUsers: [...(owner ? [{ role: "owner", user: userDto(owner) }] : []), ...shared] };
  }
  const assets = withAssets ? shownAssets(state, album).map((a) => ({ id: a.id, originalPath: a.originalPath, visibility: assetVisibility(a) })) : [];
  return { ...base, ownerId: album.ownerId, owner: owner ? userDto(owner) : undefined, albumUsers: shared, assets };
}

function findAlbum(ctx: RouteContext, access: "read" | "write" | "owner"): FakeAlbum {
  const album = albumState(ctx.state).albums.get(ctx.params.id ?? "");
  const me = ctx.auth!.user.id;
  if (!album) throw badRequest("Not found or no album.read access");
  const role = album.ownerId === me ? "owner" : album.users.get(me);
  const ok = access === "read" ? role !== undefined : access === "write" ? role === "owner" || role === "editor" : role === "owner";
  if (!ok) throw badRequest(`Not found or no album.${access === "read" ? "read" : "update"} access`);
  return album;
}

function touch(album: FakeAlbum): void {
  album.updatedAt = now();
}

function addAssets(state: FakeState, album: FakeAlbum, me: string, ids: readonly string[]) {
  const results = ids.map((id) => {
    const asset = state.assets.get(id);
    if (!asset) return { id, success: false, error: "not_found" };
    if (asset.ownerId !== me) return { id, success: false, error: "no_permission" };
    if (album.assetIds.has(id)) return { id, success: false, error: "duplicate" };
    album.assetIds.add(id);
    return { id, success: true };
  });
  if (results.some((r) => r.success)) {
    if (album.albumThumbnailAssetId === null) album.albumThumbnailAssetId = results.find((r) => r.success)!.id;
    touch(album);
  }
  return results;
}

function userEntries(value: unknown, name: string): { userId: string; role?: FakeAlbumRole }[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw badRequest([{ path: [name], message: `${name} must be an array` }]);
  return value.map((v) => {
    const o = objectBody(v);
    const checks = new Checks();
    checks.uuid("userId", o.userId);
    if (o.role !== undefined && !ROLES.includes(o.role as FakeAlbumRole)) checks.fail("role", "role must be one of the following values: editor, viewer");
    checks.done();
    return { userId: o.userId as string, ...(o.role ? { role: o.role as FakeAlbumRole } : {}) };
  });
}

/** `GET /albums`: the caller's albums, on some lines also those shared with it; a flag filters (`LineApi.albumList`). */
const listAlbums: RouteHandler = (ctx) => {
  const me = ctx.auth!.user.id;
  const { sharedFlag, listsSharedWithMe } = ctx.state.api.albumList;
  const flag = ctx.query.get(sharedFlag);
  const shared = flag === null ? undefined : flag === "true";
  const all = [...albumState(ctx.state).albums.values()];
  const owned = all.filter((a) => a.ownerId === me);
  const withMe = all.filter((a) => a.users.has(me));
  let list: FakeAlbum[];
  if (shared === true) list = [...owned.filter((a) => a.users.size > 0), ...withMe];
  else if (shared === false) list = owned.filter((a) => a.users.size === 0);
  else list = listsSharedWithMe ? [...owned, ...withMe] : owned;
  return { body: list.map((a) => albumDto(ctx.state, a, false)) };
};

/** `POST /albums`: 400 when `albumUsers` holds the caller or an unknown user; roles default to editor. */
const createAlbum: RouteHandler = (ctx) => {
  const body = objectBody(ctx.body);
  const checks = new Checks();
  checks.string("albumName", body.albumName, false);
  if (body.description !== undefined && body.description !== null && typeof body.description !== "string")
    checks.fail("description", "description must be a string");
  checks.stringArray("assetIds", body.assetIds, Number.MAX_SAFE_INTEGER);
  checks.done();
  const users = userEntries(body.albumUsers, "albumUsers");
  const me = ctx.auth!.user.id;
  for (const u of users) {
    if (u.userId === me) throw badRequest("Cannot share album with owner");
    if (!ctx.state.users.has(u.userId)) throw badRequest("User not found");
  }
  const at = now();
  const album: FakeAlbum = {
    id: randomUUID(),
    ownerId: me,
    albumName: body.albumName as string,
    description: (body.description as string | null | undefined) ?? "",
    users: new Map(users.map((u) => [u.userId, u.role ?? "editor"])),
    assetIds: new Set(),
    albumThumbnailAssetId: null,
    isActivityEnabled: true,
    order: "desc",
    createdAt: at,
    updatedAt: at,
  };
  albumState(ctx.state).albums.set(album.id, album);
  addAssets(ctx.state, album, me, (body.assetIds as string[] | undefined) ?? []);
  return { status: 201, body: albumDto(ctx.state, album, true) };
};

/** `GET /albums/:id`, with its assets unless `withoutAssets`. */
const getAlbum: RouteHandler = (ctx) => {
  const withoutAssets = ctx.query.get("withoutAssets") === "true";
  return { body: albumDto(ctx.state, findAlbum(ctx, "read"), !withoutAssets) };
};

/** `PATCH /albums/:id`: name, description, activity, order, thumbnail (one of the album's assets). */
const updateAlbum: RouteHandler = (ctx) => {
  const album = findAlbum(ctx, "owner");
  const body = objectBody(ctx.body);
  const checks = new Checks();
  checks.string("albumName", body.albumName);
  checks.boolean("isActivityEnabled", body.isActivityEnabled);
  checks.uuid("albumThumbnailAssetId", body.albumThumbnailAssetId, true);
  if (body.order !== undefined && body.order !== "asc" && body.order !== "desc") checks.fail("order", "order must be one of the following values: asc, desc");
  checks.done();
  if (typeof body.albumThumbnailAssetId === "string" && !album.assetIds.has(body.albumThumbnailAssetId)) throw badRequest("Invalid album thumbnail");
  if (typeof body.albumName === "string") album.albumName = body.albumName;
  if (typeof body.description === "string" || body.description === null) album.description = body.description ?? "";
  if (typeof body.isActivityEnabled === "boolean") album.isActivityEnabled = body.isActivityEnabled;
  if (body.order === "asc" || body.order === "desc") album.order = body.order;
  if (typeof body.albumThumbnailAssetId === "string") album.albumThumbnailAssetId = body.albumThumbnailAssetId;
  touch(album);
  return { body: albumDto(ctx.state, album, false) };
};

/** `DELETE /albums/:id`: owner only. */
const deleteAlbum: RouteHandler = (ctx) => {
  const album = findAlbum(ctx, "owner");
  const store = albumState(ctx.state);
  store.albums.delete(album.id);
  // The database cascades: an album's shared links and comments go with it.
  for (const [id, l] of store.sharedLinks) if (l.albumId === album.id) store.sharedLinks.delete(id);
  for (const [id, a] of store.activities) if (a.albumId === album.id) store.activities.delete(id);
  return { status: 204 };
};

/** `PUT /albums/:id/assets`: a result per id. */
const addAlbumAssets: RouteHandler = (ctx) => {
  const album = findAlbum(ctx, "write");
  const body = objectBody(ctx.body);
  const checks = new Checks();
  checks.stringArray("ids", body.ids ?? [], Number.MAX_SAFE_INTEGER);
  checks.done();
  return { body: addAssets(ctx.state, album, ctx.auth!.user.id, body.ids as string[]) };
};

/** `DELETE /albums/:id/assets`: a result per id; a removed thumbnail moves to the next asset. */
const removeAlbumAssets: RouteHandler = (ctx) => {
  const album = findAlbum(ctx, "owner");
  const body = objectBody(ctx.body);
  const ids = (body.ids as string[] | undefined) ?? [];
  const results = ids.map((id) => (album.assetIds.delete(id) ? { id, success: true } : { id, success: false, error: "not_found" }));
  if (album.albumThumbnailAssetId && !album.assetIds.has(album.albumThumbnailAssetId)) album.albumThumbnailAssetId = [...album.assetIds][0] ?? null;
  touch(album);
  return { body: results };
};

/** `PUT /albums/:id/users`: not idempotent, it stops at the first bad user and the ones before it stay added. */
const shareAlbum: RouteHandler = (ctx) => {
  const album = findAlbum(ctx, "owner");
  const users = userEntries(objectBody(ctx.body).albumUsers, "albumUsers");
  // Not idempotent: stops at the first bad user; the ones before it stay added.
  for (const u of users) {
    if (u.userId === album.ownerId) throw badRequest("Cannot be shared with owner");
    if (album.users.has(u.userId)) throw badRequest("User already added");
    if (!ctx.state.users.has(u.userId)) throw badRequest("User not found");
    album.users.set(u.userId, u.role ?? "editor");
    touch(album);
  }
  return { body: albumDto(ctx.state, album, false) };
};

/** `PUT /albums/:id/user/:userId`: change a role; never the owner's. */
const setAlbumUserRole: RouteHandler = (ctx) => {
  const album = findAlbum(ctx, "owner");
  const userId = ctx.params.userId ?? "";
  const role = objectBody(ctx.body).role;
  if (!ROLES.includes(role as FakeAlbumRole)) throw badRequest([{ path: ["role"], message: "role must be one of the following values: editor, viewer" }]);
  if (userId === album.ownerId) throw badRequest("Cannot change the role of the owner");
  if (!album.users.has(userId)) throw badRequest("Album not shared with user");
  album.users.set(userId, role as FakeAlbumRole);
  touch(album);
  return { status: 204 };
};

/** `DELETE /albums/:id/user/:userId`: the owner removes anyone, a user only themselves (`me`). */
const removeAlbumUser: RouteHandler = (ctx) => {
  const album = findAlbum(ctx, "read");
  const me = ctx.auth!.user.id;
  const userId = ctx.params.userId === "me" ? me : (ctx.params.userId ?? "");
  if (userId === album.ownerId) throw badRequest("Cannot remove album owner");
  if (me !== album.ownerId && userId !== me) throw new FakeHttpError(403, "Album not shared with user");
  if (!album.users.delete(userId)) throw badRequest("Album not shared with user");
  touch(album);
  return { status: 204 };
};

/** `POST /shared-links`: album links only here (the owner's, or a shared user's). */
const createSharedLink: RouteHandler = (ctx) => {
  const body = objectBody(ctx.body);
  const checks = new Checks();
  if (body.type !== "ALBUM" && body.type !== "INDIVIDUAL") checks.fail("type", "type must be one of the following values: ALBUM, INDIVIDUAL");
  checks.uuid("albumId", body.albumId, body.type !== "ALBUM");
  checks.done();
  if (body.type !== "ALBUM") throw badRequest("Only album links are served by this fake");
  const album = findAlbum({ ...ctx, params: { id: body.albumId as string } }, "read");
  const link = {
    id: randomUUID(),
    key: randomUUID().replace(/-/g, ""),
    userId: ctx.auth!.user.id,
    albumId: album.id,
    description: typeof body.description === "string" ? body.description : null,
    createdAt: now(),
  };
  albumState(ctx.state).sharedLinks.set(link.id, link);
  return { status: 201, body: sharedLinkDto(ctx.state, link) };
};

function sharedLinkDto(state: FakeState, link: { id: string; key: string; albumId: string; description: string | null; createdAt: string; userId: string }) {
  const album = albumState(state).albums.get(link.albumId);
  return {
    id: link.id,
    key: link.key,
    type: "ALBUM",
    userId: link.userId,
    description: link.description,
    createdAt: link.createdAt,
    expiresAt: null,
    allowUpload: false,
    allowDownload: true,
    showMetadata: true,
    password: null,
    assets: [],
    ...(album ? { album: albumDto(state, album, false) } : {}),
  };
}

/** `GET /shared-links`: the caller's links, `albumId` filters. */
const listSharedLinks: RouteHandler = (ctx) => {
  const me = ctx.auth!.user.id;
  const albumId = ctx.query.get("albumId");
  const links = [...albumState(ctx.state).sharedLinks.values()].filter((l) => l.userId === me && (albumId === null || l.albumId === albumId));
  return { body: links.map((l) => sharedLinkDto(ctx.state, l)) };
};

/** `POST /activities`: a comment or like on an album the caller can read (with activity enabled). */
const createActivity: RouteHandler = (ctx) => {
  const body = objectBody(ctx.body);
  const checks = new Checks();
  checks.uuid("albumId", body.albumId);
  checks.uuid("assetId", body.assetId, true);
  if (body.type !== "comment" && body.type !== "like") checks.fail("type", "type must be one of the following values: comment, like");
  if (body.type === "comment") checks.string("comment", body.comment, false);
  checks.done();
  const album = findAlbum({ ...ctx, params: { id: body.albumId as string } }, "read");
  if (!album.isActivityEnabled) throw badRequest("Activity is not enabled for this album");
  const activity = {
    id: randomUUID(),
    albumId: album.id,
    userId: ctx.auth!.user.id,
    assetId: (body.assetId as string | undefined) ?? null,
    type: body.type as "comment" | "like",
    comment: body.type === "comment" ? (body.comment as string) : null,
    createdAt: now(),
  };
  albumState(ctx.state).activities.set(activity.id, activity);
  return { status: 201, body: activityDto(ctx.state, activity) };
};

function activityDto(state: FakeState, a: { id: string; assetId: string | null; type: string; comment: string | null; createdAt: string; userId: string }) {
  const user = state.users.get(a.userId);
  return { id: a.id, assetId: a.assetId, type: a.type, comment: a.comment, createdAt: a.createdAt, ...(user ? { user: userDto(user) } : {}) };
}

/** `GET /activities?albumId=`: an album's comments and likes. */
const listActivities: RouteHandler = (ctx) => {
  const album = findAlbum({ ...ctx, params: { id: ctx.query.get("albumId") ?? "" } }, "read");
  const list = [...albumState(ctx.state).activities.values()].filter((a) => a.albumId === album.id);
  return { body: list.map((a) => activityDto(ctx.state, a)) };
};

/** `PUT /assets`: the caller's assets only; sets visibility. */
const updateAssets: RouteHandler = (ctx) => {
  const body = objectBody(ctx.body);
  const checks = new Checks();
  checks.stringArray("ids", body.ids, Number.MAX_SAFE_INTEGER);
  if (body.visibility !== undefined && !["archive", "timeline", "hidden", "locked"].includes(body.visibility as string))
    checks.fail("visibility", "visibility must be a valid enum value");
  checks.done();
  const me = ctx.auth!.user.id;
  const assets = ((body.ids as string[] | undefined) ?? []).map((id) => ctx.state.assets.get(id));
  if (assets.some((a) => !a || a.ownerId !== me)) throw badRequest("Not found or no asset.update access");
  if (typeof body.visibility === "string") {
    for (const a of assets) {
      setAssetVisibility(a!, body.visibility);
      a!.updatedAt = now();
    }
  }
  return { status: 204 };
};

/** Album routes with Immich's quirks: `PUT /albums/:id/users` is not idempotent, owners cannot be shared with. */
export function albumRoutes(router: FakeRouter): void {
  router
    .add("GET", "/albums", { permission: "album.read" }, listAlbums)
    .add("POST", "/albums", { permission: "album.create" }, createAlbum)
    .add("GET", "/albums/:id", { permission: "album.read" }, getAlbum)
    .add("PATCH", "/albums/:id", { permission: "album.update" }, updateAlbum)
    .add("DELETE", "/albums/:id", { permission: "album.delete" }, deleteAlbum)
    .add("PUT", "/albums/:id/assets", { permission: "albumAsset.create" }, addAlbumAssets)
    .add("DELETE", "/albums/:id/assets", { permission: "albumAsset.delete" }, removeAlbumAssets)
    .add("PUT", "/albums/:id/users", { permission: "albumUser.create" }, shareAlbum)
    .add("PUT", "/albums/:id/user/:userId", { permission: "albumUser.update" }, setAlbumUserRole)
    .add("DELETE", "/albums/:id/user/:userId", { permission: "albumUser.delete" }, removeAlbumUser)
    .add("PUT", "/assets", { permission: "asset.update" }, updateAssets)
    .add("POST", "/shared-links", { permission: "sharedLink.create" }, createSharedLink)
    .add("GET", "/shared-links", { permission: "sharedLink.read" }, listSharedLinks)
    .add("POST", "/activities", { permission: "activity.create" }, createActivity)
    .add("GET", "/activities", { permission: "activity.read" }, listActivities);
}
