import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { immichFixtureEach, runCliAsync } from "../../test/helpers.js";

// Whose move is it: every command that talks to a server exits 2 when the key is not set, when the server
// rejects it, or when the spec is bad, and says which env var to fix; never 1 (retry later), never a stack.
const fx = immichFixtureEach();

const COMMANDS = [["scan"], ["albums", "plan"], ["albums", "sync"], ["worker", "--once", "--port", "0"], ["doctor"]].map(
  (args) => [args.slice(0, 2).join(" "), args] as const,
);

function expectUsersMove(r: { status: number | null; stdout: string; stderr: string }, said: RegExp) {
  expect(r.stdout + r.stderr).toMatch(said);
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.status).toBe(2);
}

describe("credentials and spec at the entry (exit 2, the env var named)", () => {
  it.each(COMMANDS)(
    "%s: the key's env var is not set",
    async (_, args) => {
      fx.writeSpec({ albums: { levels: -1 } });
      const r = await runCliAsync(args, fx.dir, { IMMICH_URL: fx.fake.url, WORKER_KEY: "" });
      // Without a key the worker bootstraps its own, which needs the first admin's password: it names both.
      expectUsersMove(r, args[0] === "worker" ? /members\.ann\.password is not set: .*or set WORKER_KEY/ : /WORKER_KEY is not set/);
    },
    60_000,
  );

  it.each(COMMANDS)(
    "%s: the server rejects the key (401)",
    async (_, args) => {
      fx.writeSpec({ albums: { levels: -1 } });
      const r = await runCliAsync(args, fx.dir, { IMMICH_URL: fx.fake.url, WORKER_KEY: "not-a-key" });
      expectUsersMove(r, /HTTP 401.*rejects the API key in WORKER_KEY/);
    },
    60_000,
  );

  it.each(COMMANDS)(
    "%s: a bad spec",
    async (_, args) => {
      writeFileSync(join(fx.dir, "immich-family.yaml"), "apiVersion: immich-family.dev/v1alpha1\nkind: ImmichFamily\nmetadata: {}\n");
      const r = await runCliAsync(args, fx.dir, { IMMICH_URL: fx.fake.url, WORKER_KEY: fx.adminKey });
      expectUsersMove(r, /immich-family\.yaml:\d+:\d+/);
    },
    60_000,
  );

  it("albums: a library whose owner is not the admin key's user names the owner's key to set", async () => {
    fx.writeSpec({ owner: "bob", albums: { levels: -1 } });
    const r = await runCliAsync(["albums", "sync"], fx.dir, { IMMICH_URL: fx.fake.url, WORKER_KEY: fx.adminKey });
    expectUsersMove(r, /belong to bob .*set members\.bob\.apiKey/);
  }, 60_000);
});
