import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { albumState } from "@family/fake-immich";
import { removeUserFromAlbum, updateAssets } from "@immich/sdk";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AlbumWorld, albumWorld } from "../../test/helpers.js";
import { recordFile } from "./_record.js";

let world: AlbumWorld | undefined;
let stateDir: string;
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), "albums-state-"));
});
afterEach(async () => {
  await world?.close();
  world = undefined;
  rmSync(stateDir, { recursive: true, force: true });
});

const TREE = ["2024/Rome/a.jpg", "2024/Rome/b.jpg", "2024/Paris/c.jpg", "2023/Summer/d.jpg", "2024/Summer/e.jpg"];
const SHARE = [
  { member: "bob", role: "editor" as const },
  { member: "carol", role: "viewer" as const },
];
const sharing = { "bob@example.com": "editor", "carol@example.com": "viewer" };

describe.each(["v2.7.5", "v3.1.0"] as const)("what a sync costs against a %s fake", (version) => {
  const requestsOf = async (run: () => Promise<unknown>) => {
    const from = world!.fake.requests.length;
    await run();
    return world!.fake.requests.slice(from).map((r) => `${r.method} ${r.path}`);
  };

  it("a rerun reads only what changed since the last one, and still converges on new and removed files", async () => {
    world = await albumWorld({ version, albums: { levels: -1, shareWith: SHARE } });
    world.files(...TREE);
    const first = await world.run({ stateDir });
    expect(first.libraries[0]?.read).toEqual({ how: "full", assets: 5, changed: 5 });

    // Nothing changed: no asset page beyond the one asking for changes, per visibility, and no write.
    let rerun: Awaited<ReturnType<AlbumWorld["run"]>> | undefined;
    const noop = await requestsOf(async () => {
      rerun = await world!.run({ stateDir });
    });
    expect(rerun?.libraries[0]?.read).toEqual({ how: "changes", assets: 5, changed: 0 });
    expect(noop.filter((r) => r === "POST /search/metadata")).toHaveLength(2);
    expect(noop.length).toBeLessThanOrEqual(8);
    expect(
      world.fake.requests
        .slice(-noop.length)
        .filter((r) => r.path === "/search/metadata")
        .map((r) => (r.body as { updatedAfter?: string }).updatedAfter),
    ).toEqual([expect.any(String), expect.any(String)]);

    // Two new files in two folders: the changes read finds them, and each lands in its album.
    world.files("2024/Rome/f.jpg", "2023/Summer/g.jpg");
    const writes = world.fake.writes().length;
    const from = world.fake.requests.length;
    const grown = await world.run({ stateDir });
    // The two albums are short by exactly their new assets: no album is read, only the changes.
    const reads = world.fake.requests.slice(from).filter((r) => r.method === "GET" || r.path.startsWith("/search/"));
    expect(reads.filter((r) => JSON.stringify(r.body ?? {}).includes("albumIds"))).toEqual([]);
    expect(reads.length).toBeLessThanOrEqual(9);
    expect(grown.libraries[0]?.read).toEqual({ how: "changes", assets: 7, changed: 2 });
    expect(
      world.fake
        .writes()
        .slice(writes)
        .map((w) => `${w.method} ${w.path.replace(/[0-9a-f-]{36}/, ":id")}`),
    ).toEqual(["PUT /albums/:id/assets", "PUT /albums/:id/assets"]);
    expect(world.albums()).toEqual({
      Paris: { assets: 1, users: sharing, count: 1 },
      Rome: { assets: 3, users: sharing, count: 1 },
      Summer: { assets: 3, users: sharing, count: 1 },
    });

    // A file gone: its asset is trashed (offline); the changes read drops it without reading everything.
    world.tree.remove("2024/Paris/c.jpg");
    world.rescan();
    const shrunk = await world.run({ stateDir });
    expect(shrunk.libraries[0]?.read).toEqual({ how: "changes", assets: 6, changed: 1 });
    expect(shrunk.ok).toBe(true);
  });

  it("falls back to reading everything when the changes cannot explain the server's count, or with deep", async () => {
    world = await albumWorld({ version, albums: { levels: -1 } });
    world.files(...TREE);
    await world.run({ stateDir });
    // Hidden assets leave every search for shown ones, so the changes read cannot see this one go.
    const [asset] = [...world.fake.state.assets.values()];
    await updateAssets(
      { assetBulkUpdateDto: { ids: [asset!.id], visibility: "hidden" as never } },
      { baseUrl: world.fake.url, headers: { "x-api-key": world.keys.ann } },
    );
    const after = await world.run({ stateDir });
    expect(after.libraries[0]?.read).toEqual({ how: "full", assets: 4, changed: 4 });
    expect((await world.run({ stateDir })).libraries[0]?.read?.how).toBe("changes");
    expect((await world.run({ stateDir, deep: true })).libraries[0]?.read?.how).toBe("full");
  });

  it("ignores a torn record or one of another server", async () => {
    world = await albumWorld({ version, albums: { levels: -1 } });
    world.files(...TREE);
    await world.run({ stateDir });
    writeFileSync(recordFile(stateDir, "fam"), '{"version":1,"server":"http://elsewhere/api"');
    expect((await world.run({ stateDir })).libraries[0]?.read?.how).toBe("full");
    expect((await world.run({ stateDir })).libraries[0]?.read?.how).toBe("changes");
    const other = { ...world.spec };
    const moved = await world.run({ stateDir, baseUrl: world.fake.url.replace("127.0.0.1", "localhost"), spec: other });
    expect(moved.libraries[0]?.read?.how).toBe("full");
  });

  it("a share removed on the server is restored by a cheap rerun, with no file change", async () => {
    world = await albumWorld({ version, albums: { levels: -1, shareWith: SHARE } });
    world.files(...TREE);
    await world.run({ stateDir });
    const rome = [...albumState(world.fake.state).albums.values()].find((a) => a.albumName === "Rome")!;
    await removeUserFromAlbum({ id: rome.id, userId: world.users.bob.id }, { baseUrl: world.fake.url, headers: { "x-api-key": world.keys.ann } });
    const report = await world.run({ stateDir });
    expect(report.libraries[0]?.read?.how).toBe("changes");
    expect(world.albums().Rome).toEqual({ assets: 2, users: sharing, count: 1 });
  });
});
