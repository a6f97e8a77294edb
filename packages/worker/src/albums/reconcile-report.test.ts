import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { albumState } from "@family/fake-immich";
import { removeAssetFromAlbum, removeUserFromAlbum } from "@immich/sdk";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AlbumWorld, albumWorld } from "../../test/helpers.js";

let world: AlbumWorld | undefined;
let stateDir: string;
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), "albums-report-"));
});
afterEach(async () => {
  await world?.close();
  world = undefined;
  rmSync(stateDir, { recursive: true, force: true });
});

const TREE = ["2024/Rome/a.jpg", "2024/Rome/b.jpg", "2024/Paris/c.jpg", "2023/Summer/d.jpg"];
const SHARE = [{ member: "bob", role: "editor" as const }];
const album = (name: string) => [...albumState(world!.fake.state).albums.values()].find((a) => a.albumName === name)!;
const opts = () => ({ baseUrl: world!.fake.url, headers: { "x-api-key": world!.keys.ann } });

describe("what a run reports", () => {
  it("tells a new file (an update) from drift undone on the server (a repair), naming albums, never ids", async () => {
    world = await albumWorld({ albums: { levels: -1, shareWith: SHARE } });
    world.files(...TREE);
    const first = await world.run({ stateDir });
    expect(first.libraries[0]?.summary.albums).toEqual({ created: 3, renamed: 0, updated: 0, repaired: 0, failed: 0, skipped: 0 });

    world.files("2024/Paris/new.jpg");
    const rome = album("Rome");
    await removeUserFromAlbum({ id: rome.id, userId: world.users.bob.id }, opts());
    await removeAssetFromAlbum({ id: album("Summer").id, bulkIdsDto: { ids: [...album("Summer").assetIds] } }, opts());
    const report = await world.run({ stateDir });
    const s = report.libraries[0]!.summary;
    expect(s.albums).toEqual({ created: 0, renamed: 0, updated: 1, repaired: 2, failed: 0, skipped: 0 });
    expect(s.repaired).toEqual(['album "Rome": shared with bob@example.com again', 'album "Summer": 1 photo put back']);
    expect(JSON.stringify(s.repaired)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/);
  });

  it("a create whose answer was lost is found on the server and not reported as a failure", async () => {
    world = await albumWorld({ albums: { levels: -1, shareWith: SHARE } });
    world.files(...TREE);
    world.fake.faults.add({ kind: "drop-response", method: "POST", path: "/albums", times: 1 });
    const report = await world.run({ stateDir });
    expect(report.ok).toBe(true);
    expect(report.libraries[0]?.failures).toEqual([]);
    expect(report.libraries[0]?.summary.albums).toMatchObject({ created: 3, failed: 0 });
    expect(Object.values(world.albums()).map((a) => a.count)).toEqual([1, 1, 1]);
  });

  it("counts the albums a bad .albumprops skips", async () => {
    world = await albumWorld({ albums: { levels: -1 } });
    world.files(...TREE);
    world.albumprops("2024/Rome", "share_with: [{ user: bob, role: owner }]\nbogus: 1\n");
    const report = await world.run({ stateDir });
    expect(report.libraries[0]?.summary.albums).toMatchObject({ created: 2, skipped: 1 });
    const file = join(world.tree.root, "2024/Rome/.albumprops");
    expect(report.libraries[0]?.plan?.problems).toEqual([
      `${file}:1:33: share_with[].role: expected one of viewer, editor, none, got "owner"`,
      `${file}:2:1: unknown key "bogus"; expected one of override_name, description, share_with, thumbnail_setting, sort_order, visibility, comments_and_likes_enabled, inherit, inherit_properties`,
    ]);
  });
});
