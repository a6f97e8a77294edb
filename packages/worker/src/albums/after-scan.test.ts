import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { type AlbumWorld, albumWorld } from "../../test/helpers.js";
import { albumSyncAfterScan } from "./after-scan.js";

let world: AlbumWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: pino({ level: "info" }, stream) };
}

describe("albumSyncAfterScan", () => {
  it("syncs the scanned library's albums and logs what it did, failures as warnings", async () => {
    world = await albumWorld({ albums: { shareWith: [{ member: "bob", role: "viewer" }] } });
    world.files("2024/a.jpg", "2023/b.jpg");
    const { lines, logger } = recordingLogger();
    world.fake.faults.add({ kind: "status", status: 500, method: "POST", path: "/albums", times: 1 });
    const hook = albumSyncAfterScan({ spec: world.spec, url: world.fake.url, env: world.env, logger });
    await hook({ handle: "fam" });
    await new Promise((r) => setImmediate(r));
    expect(lines.find((l) => l.msg === "albums synced")).toMatchObject({ library: "fam", created: 1, failures: 1 });
    expect(lines.find((l) => l.msg === "album step failed; retried next run")?.failure).toMatch(/HTTP 500/);
    await hook({ handle: "fam" });
    expect(Object.keys(world.albums()).sort()).toEqual(["2023", "2024"]);
  });

  it("does nothing for a library without album rules", async () => {
    world = await albumWorld({ albums: {} });
    const { lines, logger } = recordingLogger();
    await albumSyncAfterScan({ spec: world.spec, url: world.fake.url, env: world.env, logger })({ handle: "other" });
    expect(lines).toEqual([]);
    expect(world.fake.requests).toEqual([]);
  });
});
