import {
  addUsersToAlbum,
  createActivity,
  createAlbum,
  createSharedLink,
  deleteAlbum,
  getActivities,
  getAllSharedLinks,
  getAlbumInfo,
  getAllAlbums,
  isHttpError,
  removeUserFromAlbum,
  searchAssets,
  updateAlbumUser,
  updateAssets,
} from "@immich/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { albumState } from "./albums-state.js";
import { createFakeImmich, type FakeImmich } from "./server.js";

let fake: FakeImmich | undefined;
afterEach(async () => {
  await fake?.close();
});

async function setup(version: "v2.7.5" | "v3.1.0") {
  fake = await createFakeImmich({ version });
  const owner = fake.addUser({ email: "owner@x" });
  const ann = fake.addUser({ email: "ann@x" });
  const bob = fake.addUser({ email: "bob@x" });
  const key = fake.addApiKey(owner, ["all"], "owner");
  const opts = { baseUrl: fake.url, headers: { "x-api-key": key } };
  return { fake, owner, ann, bob, key, opts };
}

async function status(p: Promise<unknown>): Promise<[number, unknown]> {
  try {
    await p;
  } catch (error) {
    if (isHttpError(error)) {
      // calls without a response body get the error body as text
      const data = typeof error.data === "string" ? (JSON.parse(error.data) as { message: unknown }) : error.data;
      return [error.status, data.message];
    }
    throw error;
  }
  return [200, undefined];
}

describe("fake album routes", () => {
  it("v2 lists owned albums with ownerId and only shared users; v3 puts the owner in albumUsers", async () => {
    for (const version of ["v2.7.5", "v3.1.0"] as const) {
      const { owner, ann, opts } = await setup(version);
      await createAlbum({ createAlbumDto: { albumName: "A", albumUsers: [{ userId: ann.id, role: "viewer" as never }] } }, opts);
      const [album] = (await getAllAlbums({}, opts)) as unknown as Record<string, unknown>[];
      if (version === "v2.7.5") {
        expect(album).toMatchObject({ ownerId: owner.id, albumUsers: [{ role: "viewer", user: { id: ann.id } }] });
      } else {
        expect(album).not.toHaveProperty("ownerId");
        expect(album).not.toHaveProperty("assets");
        expect(album?.albumUsers).toEqual([expect.objectContaining({ role: "owner" }), expect.objectContaining({ role: "viewer" })]);
      }
      await fake!.close();
      fake = undefined;
    }
  });

  it("rejects the owner in the share list of a new album", async () => {
    const { owner, opts } = await setup("v3.1.0");
    expect(await status(createAlbum({ createAlbumDto: { albumName: "A", albumUsers: [{ userId: owner.id, role: "viewer" as never }] } }, opts))).toEqual([
      400,
      "Cannot share album with owner",
    ]);
    expect(albumState(fake!.state).albums.size).toBe(0);
  });

  it("PUT /albums/:id/users stops at the first bad user and keeps the ones before it; role defaults to editor", async () => {
    const { ann, bob, opts } = await setup("v2.7.5");
    const album = await createAlbum({ createAlbumDto: { albumName: "A" } }, opts);
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect(
      await status(addUsersToAlbum({ id: album.id, addUsersDto: { albumUsers: [{ userId: ann.id }, { userId: unknown }, { userId: bob.id }] } }, opts)),
    ).toEqual([400, "User not found"]);
    const users = (await getAlbumInfo({ id: album.id }, opts)).albumUsers.map((u) => [u.user.email, u.role]);
    expect(users).toEqual([["ann@x", "editor"]]);
    expect(await status(addUsersToAlbum({ id: album.id, addUsersDto: { albumUsers: [{ userId: ann.id }] } }, opts))).toEqual([400, "User already added"]);
    await updateAlbumUser({ id: album.id, userId: ann.id, updateAlbumUserDto: { role: "viewer" as never } }, opts);
    await removeUserFromAlbum({ id: album.id, userId: ann.id }, opts);
    expect((await getAlbumInfo({ id: album.id }, opts)).albumUsers).toEqual([]);
  });

  it("checks album permissions per API key, and only the owner changes sharing", async () => {
    const { owner, ann, opts } = await setup("v3.1.0");
    const readOnly = { baseUrl: fake!.url, headers: { "x-api-key": fake!.addApiKey(owner, ["album.read"], "ro") } };
    expect(await status(createAlbum({ createAlbumDto: { albumName: "A" } }, readOnly))).toEqual([403, "Missing required permission: album.create"]);
    const album = await createAlbum({ createAlbumDto: { albumName: "A", albumUsers: [{ userId: ann.id, role: "editor" as never }] } }, opts);
    const annKey = { baseUrl: fake!.url, headers: { "x-api-key": fake!.addApiKey(ann, ["all"], "ann") } };
    expect((await getAllAlbums({}, annKey)).map((a) => a.id)).toEqual([album.id]);
    expect(await status(updateAlbumUser({ id: album.id, userId: ann.id, updateAlbumUserDto: { role: "viewer" as never } }, annKey))).toEqual([
      400,
      "Not found or no album.update access",
    ]);
  });
});

describe("fake asset changes", () => {
  it("search by updatedAfter finds what a visibility change touched; a date that is not one is refused", async () => {
    const { fake, owner, opts } = await setup("v3.1.0");
    const at = "2024-01-01T00:00:00.000Z";
    for (const id of ["00000000-0000-4000-8000-0000000000a1", "00000000-0000-4000-8000-0000000000a2"]) {
      fake.state.assets.set(id, {
        id,
        ownerId: owner.id,
        libraryId: null,
        originalPath: `/lib/${id}.jpg`,
        originalFileName: `${id}.jpg`,
        type: "IMAGE",
        fileCreatedAt: at,
        fileModifiedAt: at,
        createdAt: at,
        updatedAt: at,
        isOffline: false,
        deletedAt: null,
        size: 1,
      });
    }
    const after = "2025-01-01T00:00:00.000Z";
    const changed = async () =>
      (await searchAssets({ metadataSearchDto: { updatedAfter: after, visibility: "archive" as never } }, opts)).assets.items.map((a) => a.id);
    expect(await changed()).toEqual([]);
    await updateAssets({ assetBulkUpdateDto: { ids: ["00000000-0000-4000-8000-0000000000a1"], visibility: "archive" as never } }, opts);
    expect(await changed()).toEqual(["00000000-0000-4000-8000-0000000000a1"]);
    expect(await status(searchAssets({ metadataSearchDto: { updatedAfter: "" } }, opts))).toEqual([400, "Validation failed"]);
  });
});

describe("fake shared links and comments", () => {
  it.each(["v2.7.5", "v3.1.0"] as const)("belong to the album's id on %s: listed by album, flagged on it, gone with it", async (version) => {
    const { ann, opts } = await setup(version);
    const album = await createAlbum({ createAlbumDto: { albumName: "Trip", albumUsers: [{ userId: ann.id, role: "viewer" as never }] } }, opts);
    const link = await createSharedLink({ sharedLinkCreateDto: { type: "ALBUM" as never, albumId: album.id } }, opts);
    await createActivity({ activityCreateDto: { albumId: album.id, type: "comment" as never, comment: "lovely" } }, opts);
    expect((await getAllSharedLinks({ albumId: album.id }, opts)).map((l) => [l.id, l.album?.id])).toEqual([[link.id, album.id]]);
    expect((await getActivities({ albumId: album.id }, opts)).map((a) => a.comment)).toEqual(["lovely"]);
    expect((await getAlbumInfo({ id: album.id }, opts)).hasSharedLink).toBe(true);
    expect(await status(createSharedLink({ sharedLinkCreateDto: { type: "ALBUM" as never } }, opts))).toEqual([400, expect.anything()]);
    await deleteAlbum({ id: album.id }, opts);
    expect(await getAllSharedLinks({}, opts)).toEqual([]);
    expect(albumState(fake!.state).activities.size).toBe(0);
  });
});
