import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILT_CLI, EXAMPLES, runCliAsync, immichFixtureEach } from "../../test/helpers.js";

// Every command that talks to a server, run through the built entry against a failing fake: the server's
// answer reaches the user as an error with its message and exit 1, never as "internal error" with a stack.
// A key the server refuses (401) is the user's move, exit 2: credentials.test.ts.
const fx = immichFixtureEach();

const run = (args: readonly string[]) => runCliAsync(args, fx.dir, { IMMICH_URL: fx.fake.url, WORKER_KEY: fx.adminKey });

/** Exit 1, `said` in stderr (or, for a command that reports on stdout, `anywhere`), no "internal error", no stack. */
function expectCleanFailure(r: { status: number | null; stdout: string; stderr: string }, said: RegExp, anywhere = false) {
  expect(anywhere ? r.stdout + r.stderr : r.stderr).toMatch(said);
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.status).toBe(1);
}

describe("a server's failure at the entry", () => {
  it("scan: a 400 on the library listing is an error with the server's message", async () => {
    fx.fake.faults.add({ kind: "status", status: 400, path: "/libraries" });
    expectCleanFailure(await run(["scan"]), /^error: .*HTTP 400/m);
  });

  it("scan: a server that keeps failing (503) names the status and where to look", async () => {
    fx.fake.faults.add({ kind: "status", status: 503 });
    const r = await run(["scan"]);
    expectCleanFailure(r, /^error: .*HTTP 503/m);
    expect(r.stderr).toMatch(/^hint: The server failed to answer; its log/m);
  }, 60_000);

  it("doctor: a 500 on /server/version after a good ping", async () => {
    fx.fake.faults.add({ kind: "status", status: 500, path: "/server/version" });
    expectCleanFailure(await run(["doctor"]), /HTTP 500/, true);
  }, 60_000);

  it("albums plan and sync: a 500 on the library listing", async () => {
    fx.writeSpec({ albums: { levels: -1 } });
    fx.fake.faults.add({ kind: "status", status: 500, path: "/libraries" });
    for (const act of ["plan", "sync"]) {
      const r = await run(["albums", act]);
      expectCleanFailure(r, /HTTP 500/, true);
    }
  }, 60_000);

  it("members plan and sync: a 500 on the account listing", async () => {
    fx.fake.faults.add({ kind: "status", status: 500, path: "/admin/users" });
    for (const act of ["plan", "sync"]) expectCleanFailure(await run(["members", act]), /^error: list accounts: HTTP 500/m);
  }, 60_000);

  it("bootstrap: a 500 on the server's state", async () => {
    fx.fake.faults.add({ kind: "status", status: 500, path: "/server/config" });
    expectCleanFailure(await run(["bootstrap", "--secrets-env", "secrets.env"]), /^error: read the server's state: HTTP 500/m);
  }, 60_000);

  it("a server that drops the connection is unreachable, with a hint", async () => {
    fx.fake.faults.add({ kind: "drop" });
    const r = await run(["scan"]);
    expectCleanFailure(r, /^error: .*cannot reach the server/m);
    expect(r.stderr).toMatch(/^hint: Is IMMICH_URL the server's address/m);
  }, 60_000);

  it("a missing IMMICH_URL is invalid input (exit 2), not an internal error", async () => {
    const r = await runCliAsync(["doctor"], fx.dir, { IMMICH_URL: "", WORKER_KEY: fx.adminKey });
    expect(r.stderr).toMatch(/^error: IMMICH_URL is not set/m);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status).toBe(2);
  });
});

describe("output into a pipe that closes early (`| head`)", () => {
  // `schema` prints through the command's writer, `validate` through the cold-start bundle, `--help` through cac.
  it.each([["schema"], ["validate", join(EXAMPLES, "ponder.yaml")], ["--help"]])("%s ends quietly with exit 0, no EPIPE crash", async (...args) => {
    const child = spawn(process.execPath, [BUILT_CLI, ...args], { cwd: fx.dir, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    // Close the reading end before the CLI writes a byte, like a `head` that has already seen enough.
    child.stdout.destroy();
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).not.toMatch(/EPIPE|internal error|Unhandled/);
    expect(status).toBe(0);
  });
});
