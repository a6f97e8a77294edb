import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { toCliError } from "../_errors.js";
import { immichFixtureEach } from "../../test/helpers.js";
import { main } from "./scan.js";

const fx = immichFixtureEach();

const scanRequests = () => fx.fake.requests.filter((r) => r.path.endsWith("/scan") && r.status === 204).length;

describe("immich-family scan", () => {
  it("creates the library, scans, waits, and then scans again only after a change", async () => {
    const first = fx.context();
    expect(await main(first.ctx, [], { wait: true })).toBe(0);
    expect(first.io.out).toEqual([
      `create library family "family" (${fx.dir}/photos/family; excluding **/raw/**)`,
      "family: scan requested (first run)",
      "The server's library queue is idle: scans done.",
      "Summary: 1 scanned, 0 would scan, 0 unchanged, 0 blocked, 0 problems",
    ]);
    expect([...fx.fake.state.assets.values()].map((a) => a.originalFileName)).toEqual(["a.jpg"]);

    const again = fx.context();
    expect(await main(again.ctx, [], {})).toBe(0);
    expect(again.io.out).toEqual(["family: no change (1 files)", "Summary: 0 scanned, 0 would scan, 1 unchanged, 0 blocked, 0 problems"]);

    fx.add("photos/family/2024/b.jpg");
    const dry = fx.context();
    expect(await main(dry.ctx, [], { dryRun: true, output: "json" })).toBe(0);
    expect(JSON.parse(dry.io.out.join(""))).toMatchObject({ libraries: [{ handle: "family", outcome: "would-scan", added: 1 }] });
    expect(scanRequests()).toBe(1);
    expect(await main(fx.context().ctx, [], {})).toBe(0);
    expect(scanRequests()).toBe(2);
  });

  it("exits 1 and says why when the library root is missing, without scanning", async () => {
    await main(fx.context().ctx, [], {});
    rmSync(join(fx.dir, "photos/family"), { recursive: true });
    const run = fx.context();
    expect(await main(run.ctx, [], { force: true })).toBe(1);
    expect(run.io.err).toContain(`family: NOT SCANNED — ${fx.dir}/photos/family does not exist (is the library mounted?)`);
    expect(scanRequests()).toBe(1);
  });

  it("takes the key from the env var the spec names, or a file; never from a flag alone", async () => {
    const none = fx.context({ IMMICH_URL: fx.fake.url });
    await expect(main(none.ctx, [], {})).rejects.toThrow("WORKER_KEY is not set");
    writeFileSync(join(fx.dir, "key"), `${fx.adminKey}\n`);
    expect(await main(fx.context({ IMMICH_URL: fx.fake.url }).ctx, [], { apiKeyFile: join(fx.dir, "key") })).toBe(0);
    // A FIFO would block the read (and Ctrl-C with it): refused before it is opened.
    execFileSync("mkfifo", [join(fx.dir, "key.fifo")]);
    await expect(main(fx.context({ IMMICH_URL: fx.fake.url }).ctx, [], { apiKeyFile: join(fx.dir, "key.fifo") })).rejects.toMatchObject({
      code: "bad-arguments",
      message: `The API key file ${join(fx.dir, "key.fifo")} is not a regular file; pass a file that holds it.`,
    });
    await expect(main(fx.context({ WORKER_KEY: fx.adminKey }).ctx, [], {})).rejects.toThrow("IMMICH_URL is not set");
  });

  it("deletes an undeclared library only with --prune, and shows it first with --dry-run", async () => {
    const old = fx.fake.state.addLibrary({ ownerId: fx.ann.id, name: "Old" });
    await main(fx.context().ctx, [], {});
    expect(fx.fake.state.libraries.has(old.id)).toBe(true);
    const dry = fx.context();
    expect(await main(dry.ctx, [], { prune: true, dryRun: true })).toBe(0);
    expect(dry.io.out[0]).toBe(`delete library "Old" (${old.id}, 0 assets) — not in the spec (dry run)`);
    expect(fx.fake.state.libraries.has(old.id)).toBe(true);
    expect(await main(fx.context().ctx, [], { prune: true })).toBe(0);
    expect(fx.fake.state.libraries.has(old.id)).toBe(false);
    expect([...fx.fake.state.libraries.values()].map((l) => l.name)).toEqual(["family"]);
  });

  it("rejects an unknown library and reports a key that is not an admin's", async () => {
    await expect(main(fx.context().ctx, [], { library: "nope" })).rejects.toThrow("No library nope in the spec. Libraries: family");
    // A name like an Object.prototype member is no library either, and what it echoes is escaped.
    await expect(main(fx.context().ctx, [], { library: "constructor" })).rejects.toThrow("No library constructor in the spec.");
    await expect(main(fx.context().ctx, [], { library: "x\u001b[2J\ny" })).rejects.toThrow("No library x\\x1B[2J\\ny in the spec.");
    const bobKey = fx.fake.addApiKey(fx.bob);
    // The entry turns the worker's error into the CliError it prints (toCliError).
    const run = main(fx.context({ IMMICH_URL: fx.fake.url, WORKER_KEY: bobKey }).ctx, [], {}).catch((error: unknown) => {
      throw toCliError(error) ?? error;
    });
    await expect(run).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringContaining("HTTP 403: Forbidden. Give the API key that permission, or use an admin's key."),
    });
  });
});
