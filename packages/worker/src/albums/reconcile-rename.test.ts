import { mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { albumState } from "@family/fake-immich";
import { addAssetsToAlbum, createActivity, createSharedLink, getActivities, getAllSharedLinks } from "@immich/sdk";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AlbumWorld, albumWorld } from "../../test/helpers.js";

let world: AlbumWorld | undefined;
let stateDir: string;
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), "albums-rename-"));
});
afterEach(async () => {
  await world?.close();
  world = undefined;
  rmSync(stateDir, { recursive: true, force: true });
});

const SHARE = [
  { member: "bob", role: "editor" as const },
  { member: "carol", role: "viewer" as const },
];
const sharing = { "bob@example.com": "editor", "carol@example.com": "viewer" };
const opts = (key: string) => ({ baseUrl: world!.fake.url, headers: { "x-api-key": key } });
const album = (name: string) => [...albumState(world!.fake.state).albums.values()].find((a) => a.albumName === name);
const live = (name: string) => [...(album(name)?.assetIds ?? [])].filter((id) => world!.fake.state.assets.get(id)?.deletedAt === null);
const pathOf = (id: string) => world!.fake.state.assets.get(id)?.originalPath.slice(world!.tree.root.length + 1);
/** Rename or move files and folders (relative to the library root) as a family would, then let the server scan. */
const move = (...pairs: [from: string, to: string][]) => {
  for (const [from, to] of pairs) {
    mkdirSync(dirname(join(world!.tree.root, to)), { recursive: true });
    renameSync(join(world!.tree.root, from), join(world!.tree.root, to));
  }
  world!.rescan();
};
/** Requests a run made, as `METHOD /path`. */
const requestsOf = async (run: () => Promise<unknown>) => {
  const from = world!.fake.requests.length;
  await run();
  return world!.fake.requests.slice(from).map((r) => `${r.method} ${r.path}`);
};
/** Every album of ours has its own marker: no duplicate. */
const markers = () => [...albumState(world!.fake.state).albums.values()].map((a) => /\[immich-family:fam:(.*)\]$/.exec(a.description)?.[1]).sort();

describe.each(["v2.7.5", "v3.1.0"] as const)("a renamed or moved folder against a %s fake", (version) => {
  it("keeps the album of a renamed folder: its id, shares, shared link, comment, cover and the photos added by hand", async () => {
    world = await albumWorld({ version, albums: { levels: -1, shareWith: SHARE } });
    world.files("2024/Trip/a.jpg", "2024/Trip/b.jpg", "2024/Trip/c.jpg", "2023/Home/d.jpg");
    await world.run({ stateDir });
    const trip = album("Trip")!;
    // What the family did on the album: a link, a comment, a photo of Bob's own added by hand, a cover.
    const link = await createSharedLink({ sharedLinkCreateDto: { type: "ALBUM" as never, albumId: trip.id } }, opts(world.keys.ann));
    await createActivity({ activityCreateDto: { albumId: trip.id, type: "comment" as never, comment: "what a trip" } }, opts(world.keys.bob));
    const own = "00000000-0000-4000-8000-00000000b0b1";
    const at = "2024-05-01T00:00:00.000Z";
    world.fake.state.assets.set(own, {
      id: own,
      ownerId: world.users.bob.id,
      libraryId: null,
      originalPath: "/upload/bob/IMG_1.jpg",
      originalFileName: "IMG_1.jpg",
      type: "IMAGE",
      fileCreatedAt: at,
      fileModifiedAt: at,
      createdAt: at,
      updatedAt: at,
      isOffline: false,
      deletedAt: null,
      size: 1,
    });
    await addAssetsToAlbum({ id: trip.id, bulkIdsDto: { ids: [own] } }, opts(world.keys.bob));
    const cover = [...trip.assetIds].find((id) => pathOf(id) === "2024/Trip/b.jpg")!;
    trip.albumThumbnailAssetId = cover;

    move(["2024/Trip", "2024/Italy"]);
    const report = await world.run({ stateDir });

    expect(report.ok).toBe(true);
    const r = report.libraries[0]!;
    expect(r.plan?.changes.map((c) => [c.rename?.from, c.name, c.rename?.files])).toEqual([["Trip", "Italy", 3]]);
    expect(r.outcomes).toEqual(["renamed"]);
    expect(r.summary.renamed).toEqual(['"Trip" → "Italy"']);
    expect(r.summary.albums).toMatchObject({ created: 0, renamed: 1, failed: 0 });
    const italy = album("Italy")!;
    expect(italy.id).toBe(trip.id);
    expect(album("Trip")).toBeUndefined();
    expect(world.albums()).toEqual({ Italy: { assets: 4, users: sharing, count: 1 }, Home: { assets: 1, users: sharing, count: 1 } });
    expect(
      live("Italy")
        .filter((id) => id !== own)
        .map(pathOf)
        .sort(),
    ).toEqual(["2024/Italy/a.jpg", "2024/Italy/b.jpg", "2024/Italy/c.jpg"]);
    expect(live("Italy")).toContain(own);
    expect(pathOf(italy.albumThumbnailAssetId!)).toBe("2024/Italy/b.jpg");
    expect(italy.description).toBe("[immich-family:fam:Italy]");
    expect((await getAllSharedLinks({ albumId: italy.id }, opts(world.keys.ann))).map((l) => l.id)).toEqual([link.id]);
    expect((await getActivities({ albumId: italy.id }, opts(world.keys.ann))).map((a) => a.comment)).toEqual(["what a trip"]);
    // No create, no delete: the moves are a PUT of the new assets and a PATCH of name, marker and cover.
    expect(
      world.fake
        .writes()
        .slice(-2)
        .map((w) => `${w.method} ${w.path}`),
    ).toEqual([`PUT /albums/${italy.id}/assets`, `PATCH /albums/${italy.id}`]);
    expect(markers()).toEqual(["Home", "Italy"]);

    const writes = world.fake.writes().length;
    const again = await world.run({ stateDir });
    expect(again.libraries[0]?.plan?.changes).toEqual([]);
    expect(world.fake.writes().slice(writes)).toEqual([]);
  });

  it("keeps the album of a moved folder, renamed after its new place (levels: 2)", async () => {
    world = await albumWorld({ version, albums: { levels: 2, shareWith: SHARE } });
    world.files("2024/Trip/a.jpg", "2024/Trip/b.jpg", "2023/Home/d.jpg");
    await world.run({ stateDir });
    const id = album("2024 Trip")!.id;
    move(["2024/Trip", "2023/Trip"]);
    const report = await world.run({ stateDir });
    expect(report.ok).toBe(true);
    expect(report.libraries[0]?.summary.renamed).toEqual(['"2024 Trip" → "2023 Trip"']);
    expect(album("2023 Trip")?.id).toBe(id);
    expect(world.albums()).toEqual({ "2023 Trip": { assets: 2, users: sharing, count: 1 }, "2023 Home": { assets: 1, users: sharing, count: 1 } });
    expect(markers()).toEqual(["2023/Home", "2023/Trip"]);
    const writes = world.fake.writes().length;
    await world.run({ stateDir });
    expect(world.fake.writes().slice(writes)).toEqual([]);
  });

  it("a renamed folder whose .albumprops names its album keeps the album and that name; only the marker moves", async () => {
    world = await albumWorld({ version, albums: { levels: -1 } });
    world.files("2024/Trip/a.jpg", "2024/Trip/b.jpg");
    world.albumprops("2024/Trip", "override_name: Our Italy trip\n");
    await world.run({ stateDir });
    const id = album("Our Italy trip")!.id;
    move(["2024/Trip", "2024/Italy"]);
    const report = await world.run({ stateDir });
    expect(report.ok).toBe(true);
    expect(report.libraries[0]?.outcomes).toEqual(["renamed"]);
    expect(album("Our Italy trip")?.id).toBe(id);
    expect(album("Our Italy trip")?.description).toBe("[immich-family:fam:Italy]");
    expect(markers()).toEqual(["Italy"]);
  });

  it("a folder split in two: the part with most of its files keeps the album, the other is a new one", async () => {
    world = await albumWorld({ version, albums: { levels: -1, shareWith: SHARE } });
    world.files("2024/Trip/a.jpg", "2024/Trip/b.jpg", "2024/Trip/c.jpg");
    await world.run({ stateDir });
    const id = album("Trip")!.id;
    move(["2024/Trip/a.jpg", "2024/Rome/a.jpg"], ["2024/Trip/b.jpg", "2024/Rome/b.jpg"], ["2024/Trip/c.jpg", "2024/Venice/c.jpg"]);
    const report = await world.run({ stateDir });
    expect(report.ok).toBe(true);
    const r = report.libraries[0]!;
    expect(r.outcomes).toEqual(["renamed", "created"]);
    expect(r.summary.renamed).toEqual(['"Trip" → "Rome"']);
    expect(album("Rome")?.id).toBe(id);
    expect(world.albums()).toEqual({ Rome: { assets: 2, users: sharing, count: 1 }, Venice: { assets: 1, users: sharing, count: 1 } });
    expect(markers()).toEqual(["Rome", "Venice"]);
    const writes = world.fake.writes().length;
    await world.run({ stateDir });
    expect(world.fake.writes().slice(writes)).toEqual([]);
  });

  it("two folders merged: the album that gave most files is kept; the other is left with no folder and said so", async () => {
    world = await albumWorld({ version, albums: { levels: -1, shareWith: SHARE } });
    world.files("2024/Rome/a.jpg", "2024/Rome/b.jpg", "2024/Venice/c.jpg");
    await world.run({ stateDir });
    const id = album("Rome")!.id;
    move(["2024/Rome", "2024/Italy"], ["2024/Venice/c.jpg", "2024/Italy/c.jpg"]);
    const report = await world.run({ stateDir });
    expect(report.ok).toBe(true);
    const r = report.libraries[0]!;
    expect(r.summary.renamed).toEqual(['"Rome" → "Italy"']);
    expect(album("Italy")?.id).toBe(id);
    expect(world.albums()).toEqual({ Italy: { assets: 3, users: sharing, count: 1 }, Venice: { assets: 0, users: sharing, count: 1 } });
    expect(r.plan?.notes.join("\n")).toContain('album "Venice": its folder\'s files moved to "Italy"');
    expect(r.plan?.held.join("\n")).toMatch(/album "Venice" has no folder any more \(0 assets\); --cleanup-empty deletes it/);
    const writes = world.fake.writes().length;
    await world.run({ stateDir });
    expect(world.fake.writes().slice(writes)).toEqual([]);
  });

  it("`albums plan` shows the rename and keeps the moves for the sync that carries it out", async () => {
    world = await albumWorld({ version, albums: { levels: -1 } });
    world.files("2024/Trip/a.jpg", "2024/Trip/b.jpg");
    await world.run({ stateDir });
    const id = album("Trip")!.id;
    move(["2024/Trip", "2024/Italy"]);
    const plan = await world.run({ stateDir, apply: false });
    expect(plan.libraries[0]?.plan?.changes).toEqual([
      expect.objectContaining({ name: "Italy", albumId: id, rename: { from: "Trip", fromKey: "Trip", files: 2 }, addAssets: expect.any(Array) }),
    ]);
    expect(world.fake.writes().filter((w) => w.path.startsWith("/albums"))).toHaveLength(1);
    const sync = await world.run({ stateDir });
    expect(sync.libraries[0]?.outcomes).toEqual(["renamed"]);
    expect(album("Italy")?.id).toBe(id);
  });

  it("a rename cut short is carried out by the next run (the record waits for it)", async () => {
    world = await albumWorld({ version, albums: { levels: -1 } });
    world.files("2024/Trip/a.jpg", "2024/Trip/b.jpg");
    await world.run({ stateDir });
    const id = album("Trip")!.id;
    move(["2024/Trip", "2024/Italy"]);
    const fault = world.fake.faults.add({ kind: "status", status: 400, method: "PATCH", path: "/albums/:id" });
    const failed = await world.run({ stateDir });
    expect(failed.ok).toBe(false);
    expect(failed.libraries[0]?.outcomes).toEqual(["failed"]);
    fault.remove();
    const again = await world.run({ stateDir });
    expect(again.ok).toBe(true);
    expect(again.libraries[0]?.outcomes).toEqual(["renamed"]);
    expect(album("Italy")?.id).toBe(id);
    expect(world.albums()).toEqual({ Italy: { assets: 2, users: {}, count: 1 } });
  });

  it("costs a no-op's reads plus the moves", async () => {
    world = await albumWorld({ version, albums: { levels: -1, shareWith: SHARE } });
    world.files("2024/Trip/a.jpg", "2024/Trip/b.jpg", "2023/Home/d.jpg");
    await world.run({ stateDir });
    const noop = await requestsOf(() => world!.run({ stateDir }));
    move(["2024/Trip", "2024/Italy"]);
    const renamed = await requestsOf(() => world!.run({ stateDir }));
    const id = album("Italy")!.id;
    expect(renamed).toEqual([...noop, `PUT /albums/${id}/assets`, `PATCH /albums/${id}`, "GET /albums"]);
  });
});
