import { mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AlbumWorld, albumWorld } from "../../test/helpers.js";
import { albumLogLines, logAlbumSync } from "./change-words.js";

let world: AlbumWorld | undefined;
let stateDir: string;
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), "album-words-"));
});
afterEach(async () => {
  await world?.close();
  world = undefined;
  rmSync(stateDir, { recursive: true, force: true });
});

describe("what a sync did, in people's words", () => {
  it("names every album created, renamed, updated or failed, with what changed; a failed one says what was tried and not done", async () => {
    world = await albumWorld({ albums: { levels: -1, shareWith: [{ member: "bob", role: "viewer" }] } });
    world.files("2024/Trip/a.jpg", "2024/Trip/b.jpg", "2023/Home/c.jpg");
    world.fake.faults.add({ kind: "status", status: 500, method: "POST", path: "/albums", times: 1 });
    const first = (await world.run({ stateDir })).libraries[0]!;
    const failedName = first.outcomes?.[0] === "failed" ? first.plan!.changes[0]!.name : first.plan!.changes[1]!.name;
    const createdName = failedName === "Home" ? "Trip" : "Home";
    const photos = (n: string) => (n === "Trip" ? "+2 photos" : "+1 photo");
    expect(
      albumLogLines(first)
        .map((l) => [l.level, l.message])
        .sort(),
    ).toEqual(
      [
        ["info", `created album "${createdName}": ${photos(createdName)}, +1 share`],
        [
          "warn",
          `album "${failedName}" failed: tried ${photos(failedName)}, +1 share; not done: create: create album: HTTP 500: Injected failure; the next run tries again`,
        ],
      ].sort(),
    );

    renameSync(join(world.tree.root, "2024/Trip"), join(world.tree.root, "2024/Italy"));
    world.files("2023/Home/d.jpg");
    const second = (await world.run({ stateDir })).libraries[0]!;
    const messages = albumLogLines(second).map((l) => l.message);
    if (failedName === "Trip") expect(messages).toContain('created album "Italy": +2 photos, +1 share');
    else
      expect(messages).toContain(
        'renamed album "Trip" to "Italy": 2 files moved there, +2 photos, set cover; the same album, its shares, links, comments and cover kept',
      );
    expect(messages).toContainEqual(expect.stringMatching(/^(updated|created) album "Home": \+[12] photos?/));
  });

  it("logs a summary, a line per album and each failed step, and a run cut short says what it did not reach", async () => {
    world = await albumWorld({ albums: { levels: -1 } });
    world.files("2024/Trip/a.jpg");
    const lines: Record<string, unknown>[] = [];
    const logger = pino(
      { level: "info" },
      new Writable({
        write(chunk, _enc, done) {
          lines.push(JSON.parse(String(chunk)));
          done();
        },
      }),
    );
    const stopped = new AbortController();
    stopped.abort();
    const report = (await world.run({ stateDir, signal: stopped.signal })).libraries[0]!;
    logAlbumSync(logger, {
      ...report,
      plan: report.plan ?? {
        library: "fam",
        changes: [{ key: "Trip", name: "Trip", addAssets: ["x"], removeAssets: [], addUsers: [], setRoles: [], removeUsers: [] }],
        unchanged: 0,
        held: [],
        problems: [],
        notes: [],
      },
      outcomes: ["not applied"],
    });
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => l.msg)).toContain('album "Trip" not done: tried +1 photo; the run stopped first; the next run tries again');
    expect(lines.find((l) => l.msg === "albums synced")).toMatchObject({ library: "fam", created: 0, renamed: 0 });
  });
});
