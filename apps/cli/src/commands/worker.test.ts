import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { immichFixtureEach } from "../../test/helpers.js";
import { main } from "./worker.js";

const fx = immichFixtureEach();

describe("immich-family worker", () => {
  it("--once syncs the members, reconciles, scans what changed, logs JSON without the key, exits 0", async () => {
    const { ctx, io } = fx.context();
    expect(await main(ctx, [], { once: true, port: 0 })).toBe(0);
    const logs = io.out.flatMap((chunk) => chunk.trim().split("\n")).map((l) => JSON.parse(l) as { msg: string });
    expect(logs.map((l) => l.msg)).toEqual([
      "worker starting",
      // The fixture's accounts are named after their emails; the spec names them Ann and Bob.
      'member ann: update (name "ann" → "Ann")',
      'member bob: update (name "bob" → "Bob")',
      "library reconciled",
      "watching libraries",
      "changes seen",
      "scan requested",
      "worker stopped",
    ]);
    expect(io.out.join("")).not.toContain(fx.adminKey);
    expect(fx.fake.requests.filter((r) => r.path.endsWith("/scan"))).toHaveLength(1);
  });

  it("stops at once when the signal is already aborted (SIGTERM) and names a bad spec", async () => {
    const abort = new AbortController();
    abort.abort(new Error("SIGTERM"));
    const { ctx } = fx.context(undefined, abort.signal);
    expect(await main(ctx, [], { port: 0 })).toBe(0);
    await expect(main(fx.context().ctx, ["missing.yaml"], {})).rejects.toThrow(/No spec at .*missing\.yaml/);
  });

  it("refuses a spec or key file that is a FIFO before it starts (a blocked read would outlast every signal)", async () => {
    execFileSync("mkfifo", [join(fx.dir, "spec.fifo"), join(fx.dir, "key.fifo")]);
    await expect(main(fx.context().ctx, ["spec.fifo"], { once: true, port: 0 })).rejects.toMatchObject({
      code: "bad-arguments",
      message: `The spec ${join(fx.dir, "spec.fifo")} is not a regular file; pass a file that holds it.`,
    });
    await expect(main(fx.context().ctx, [], { once: true, port: 0, apiKeyFile: "key.fifo" })).rejects.toMatchObject({
      code: "bad-arguments",
      message: `The API key file ${join(fx.dir, "key.fifo")} is not a regular file; pass a file that holds it.`,
    });
  });
});
