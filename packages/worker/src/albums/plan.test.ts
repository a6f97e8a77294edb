import { describe, expect, it } from "vitest";
import type { DesiredAlbum, DesiredState } from "./desired.js";
import { describe as describeAlbum } from "./marker.js";
import { albumsToRead, type PlanInput, planAlbums } from "./plan.js";
import { type ServerAlbum, toServerAlbum } from "./server-album.js";

const ids: Record<string, string> = { "ann@x": "u-ann", "bob@x": "u-bob", "owner@x": "u-owner" };
const want = (key: string, assetIds: string[], users: Record<string, "viewer" | "editor"> = {}, extra: Partial<DesiredAlbum> = {}): DesiredAlbum => ({
  key,
  name: key,
  assetIds: () => assetIds,
  assetCount: assetIds.length,
  users: new Map(Object.entries(users)),
  visibilityIds: [],
  folder: `/lib/${key}`,
  ...extra,
});
const state = (albums: DesiredAlbum[], skipped: string[] = []): DesiredState => ({
  albums,
  skipped: new Map(skipped.map((k) => [k, "broken"])),
  problems: [],
  notes: [],
});
const server = (key: string | undefined, over: Partial<ServerAlbum> = {}): ServerAlbum =>
  toServerAlbum({
    id: `al-${key ?? "foreign"}`,
    albumName: key ?? "foreign",
    description: key ? describeAlbum(undefined, { library: "fam", key }) : "hand-made",
    ownerId: "u-owner",
    albumUsers: [],
    assetCount: 0,
    isActivityEnabled: true,
    createdAt: "2025-01-01",
    ...(over as object),
  });
const plan = (over: Partial<PlanInput>) =>
  planAlbums({
    library: "fam",
    desired: state([]),
    userId: (u) => ids[u],
    ownerId: "u-owner",
    albums: [],
    membership: new Map(),
    mode: "add-only",
    allowRemovals: false,
    cleanupEmpty: false,
    missingRoots: [],
    assetsComplete: true,
    ...over,
  });

describe("planAlbums", () => {
  it("creates a missing album in one step carrying its assets and users, never the owner", () => {
    const p = plan({ desired: state([want("2024", ["a1", "a2"], { "ann@x": "viewer", "bob@x": "editor", "owner@x": "editor" })]) });
    expect(p.changes).toEqual([
      expect.objectContaining({
        key: "2024",
        create: {
          albumName: "2024",
          description: "[immich-family:fam:2024]",
          assetIds: ["a1", "a2"],
          albumUsers: [
            { userId: "u-ann", role: "viewer" },
            { userId: "u-bob", role: "editor" },
          ],
        },
      }),
    ]);
  });

  it("plans nothing when the server matches (count fingerprint, users, properties)", () => {
    const d = want("2024", ["a1", "a2"], { "ann@x": "viewer" });
    const albums = [server("2024", { assetCount: 2, albumUsers: [{ role: "viewer", user: { id: "u-ann" } }] } as never)];
    expect(albumsToRead(state([d]), albums, "fam", "u-owner")).toEqual([]);
    expect(plan({ desired: state([d]), albums })).toMatchObject({ changes: [], unchanged: 1 });
  });

  it("repairs sharing drift: a removed user, a changed role, a user added by hand", () => {
    const d = want("2024", ["a1"], { "ann@x": "viewer", "bob@x": "editor" });
    const albums = [
      toServerAlbum({
        id: "al-1",
        albumName: "2024",
        description: describeAlbum(undefined, { library: "fam", key: "2024" }),
        assetCount: 1,
        createdAt: "x",
        // v3 shape: owner in albumUsers with role owner, no ownerId
        albumUsers: [
          { role: "owner", user: { id: "u-owner" } },
          { role: "viewer", user: { id: "u-bob" } },
          { role: "editor", user: { id: "u-eve" } },
        ],
      }),
    ];
    const p = plan({ desired: state([d]), albums });
    expect(p.changes).toEqual([
      expect.objectContaining({
        albumId: "al-1",
        addUsers: [{ userId: "u-ann", role: "viewer" }],
        setRoles: [{ userId: "u-bob", role: "editor", from: "viewer" }],
        removeUsers: ["u-eve"],
      }),
    ]);
  });

  it("reads membership only of albums whose count differs, then adds the missing assets", () => {
    const d = want("2024", ["a1", "a2", "a3"]);
    const albums = [server("2024", { assetCount: 2 })];
    expect(albumsToRead(state([d]), albums, "fam", "u-owner")).toEqual(["al-2024"]);
    const p = plan({ desired: state([d]), albums, membership: new Map([["al-2024", new Set(["a1", "a9"])]]) });
    expect(p.changes[0]).toMatchObject({ addAssets: ["a2", "a3"], removeAssets: [] });
  });

  it("mirror removals need --allow-removals and all import roots present", () => {
    const d = want("2024", ["a1"]);
    const base = {
      desired: state([d]),
      albums: [server("2024", { assetCount: 2 })],
      membership: new Map([["al-2024", new Set(["a1", "a9"])]]),
      mode: "mirror" as const,
    };
    const held = plan(base);
    expect(held.changes).toEqual([]);
    expect(held.held[0]).toMatch(/--allow-removals/);
    expect(plan({ ...base, allowRemovals: true }).changes[0]).toMatchObject({ removeAssets: ["a9"] });
    const missing = plan({ ...base, allowRemovals: true, missingRoots: ["/lib"] });
    expect(missing.changes).toEqual([]);
    expect(missing.held[0]).toMatch(/import root missing/);
    expect(plan({ ...base, allowRemovals: true, assetsComplete: false }).changes).toEqual([]);
  });

  it("never touches albums without our marker, of another library or of another owner", () => {
    const albums = [
      server(undefined, { assetCount: 3 }),
      { ...server("2024"), marker: { library: "other", key: "2024" } },
      server("old", { ownerId: "u-ann" }),
    ];
    const p = plan({ albums, cleanupEmpty: true, desired: state([]) });
    expect(p.changes).toEqual([]);
  });

  it("deletes an empty album of ours only with --cleanup-empty, and never while a root is missing", () => {
    const albums = [server("gone", { assetCount: 0 })];
    expect(plan({ albums }).held[0]).toMatch(/--cleanup-empty deletes it/);
    expect(plan({ albums, cleanupEmpty: true }).changes).toEqual([expect.objectContaining({ albumId: "al-gone", delete: expect.any(String) })]);
    expect(plan({ albums, cleanupEmpty: true, missingRoots: ["/lib"] }).changes).toEqual([]);
    expect(plan({ albums, cleanupEmpty: true, desired: state([], ["gone"]) }).changes).toEqual([]);
  });

  it("updates name, description, order, comments and thumbnail that drifted", () => {
    const d = want("2024", ["a1", "a2"], {}, { name: "Twenty", description: "hi", sortOrder: "asc", commentsAndLikes: false, thumbnail: "a2" });
    const p = plan({ desired: state([d]), albums: [server("2024", { assetCount: 2, order: "desc" } as never)] });
    expect(p.changes[0]?.update).toEqual({
      albumName: "Twenty",
      description: "hi\n[immich-family:fam:2024]",
      order: "asc",
      isActivityEnabled: false,
      albumThumbnailAssetId: "a2",
    });
  });

  it("reports a share target the server does not show, and keeps the other shares", () => {
    const p = plan({ desired: state([want("2024", ["a1"], { "ann@x": "viewer", "zed@x": "viewer" })]) });
    expect(p.problems[0]).toMatch(/cannot share with zed@x.*publicUsers/);
    expect(p.changes[0]?.create?.albumUsers).toEqual([{ userId: "u-ann", role: "viewer" }]);
  });

  it("picks the oldest of duplicated albums, reports the others and deletes them with --cleanup-empty", () => {
    const a = server("2024", { assetCount: 1, createdAt: "2025-02-01" });
    const b = { ...server("2024", { assetCount: 1, createdAt: "2025-01-01" }), id: "al-older" };
    const p = plan({ desired: state([want("2024", ["a1"])]), albums: [a, b] });
    expect(p.changes).toEqual([]);
    expect(p.notes[0]).toMatch(/\(al-2024\) duplicates al-older/);
    expect(plan({ desired: state([want("2024", ["a1"])]), albums: [a, b], cleanupEmpty: true }).changes).toEqual([
      expect.objectContaining({ albumId: "al-2024", delete: "duplicate of al-older" }),
    ]);
  });

  it("keeps an album for a renamed folder only when its own folder is gone, never one skipped, one still wanted, or one not ours", () => {
    const moves = (pairs: Record<string, Record<string, number>>) => ({
      keys: new Map(Object.entries(pairs).map(([to, olds]) => [to, new Map(Object.entries(olds))])),
      ids: new Map([["old-cover", "new-cover"]]),
    });
    const trip = server("Trip", {
      assetCount: 2,
      albumThumbnailAssetId: "old-cover",
      description: "Our trip\n[immich-family:fam:Trip]",
    } as Partial<ServerAlbum>);
    const renamed = plan({ desired: state([want("Italy", ["new-cover", "n2"])]), albums: [trip], moves: moves({ Italy: { Trip: 2 } }) });
    expect(renamed.changes).toEqual([
      expect.objectContaining({
        albumId: "al-Trip",
        name: "Italy",
        rename: { from: "Trip", fromKey: "Trip", files: 2 },
        addAssets: ["new-cover", "n2"],
        update: { albumName: "Italy", description: "Our trip\n[immich-family:fam:Italy]", albumThumbnailAssetId: "new-cover" },
      }),
    ]);
    expect(renamed.held).toEqual([]);
    // Its folder still holds files: the new folder is a new album.
    const stays = plan({ desired: state([want("Italy", ["n1"]), want("Trip", ["t1"])]), albums: [trip], moves: moves({ Italy: { Trip: 1 } }) });
    expect(stays.changes.map((c) => [c.name, c.create ? "create" : c.rename ? "rename" : "update"])).toEqual([["Italy", "create"]]);
    expect(stays.unchanged).toBe(1);
    // Skipped for a bad .albumprops: left untouched.
    const skipped = plan({ desired: state([want("Italy", ["n1"])], ["Trip"]), albums: [trip], moves: moves({ Italy: { Trip: 1 } }) });
    expect(skipped.changes.map((c) => c.create?.albumName)).toEqual(["Italy"]);
    // Not ours (no marker): never taken.
    const foreign = plan({ desired: state([want("Italy", ["n1"])]), albums: [server(undefined)], moves: moves({ Italy: { foreign: 1 } }) });
    expect(foreign.changes.map((c) => c.create?.albumName)).toEqual(["Italy"]);
  });
});
