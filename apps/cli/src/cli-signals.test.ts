import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { immichFixture, startCli } from "../test/helpers.js";

const SIGNALS = [
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const;

/** Long enough for the CLI to start and block: a signal before its handlers are set would kill it with the default action. */
const SETTLE_MS = 1500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Signal a started CLI after it settled; how it ended, and how long it took after the signal. */
async function signalled(run: ReturnType<typeof startCli>, sig: NodeJS.Signals) {
  await sleep(SETTLE_MS);
  const sent = Date.now();
  run.child.kill(sig);
  const end = await Promise.race([run.exited, sleep(5000).then(() => undefined)]);
  if (!end) run.child.kill("SIGKILL");
  return { status: end?.status, signal: end?.signal ?? null, promptly: Date.now() - sent < 2000, stderr: end?.stderr ?? "(hung)" };
}

describe("SIGINT and SIGTERM end a command at once, with 130 and 143", () => {
  const dir = mkdtempSync(join(tmpdir(), "immich-family-signals-"));
  const fifo = join(dir, "spec.fifo");
  execFileSync("mkfifo", [fifo]);

  it.each(SIGNALS)("%s: while `validate -` waits on standard input that never ends", async (sig, code) => {
    expect(await signalled(startCli(["validate", "-"], dir), sig)).toEqual({ status: code, signal: null, promptly: true, stderr: "" });
  });

  it.each(SIGNALS)("%s: while `render` waits on a FIFO no one writes", async (sig, code) => {
    expect(await signalled(startCli(["render", fifo, "--out", "out"], dir), sig)).toEqual({ status: code, signal: null, promptly: true, stderr: "" });
  });

  it("SIGTERM: while `diff -` has read part of a spec from a pipe", async () => {
    const run = startCli(["diff", "-", "--out", "out"], dir);
    run.child.stdin.write("apiVersion: immich-family.dev/v1alpha1\n");
    expect(await signalled(run, "SIGTERM")).toMatchObject({ status: 143, promptly: true });
  });
});

describe("the worker keeps its graceful stop", () => {
  it("SIGTERM: it finishes, closes its server and exits 0", async () => {
    const fx = await immichFixture();
    try {
      const port = await freePort();
      const run = startCli(["worker", "immich-family.yaml", "--port", String(port), "--state-dir", "state"], fx.dir, {
        IMMICH_URL: fx.fake.url,
        WORKER_KEY: fx.adminKey,
      });
      const healthy = await until(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok === true, 20_000);
      expect(healthy, run.output()).toBe(true);
      run.child.kill("SIGTERM");
      expect((await run.exited).status, run.output()).toBe(0);
    } finally {
      await fx.cleanup();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolvePort(address.port) : reject(new Error("no port"))));
    });
  });
}

async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(200);
  }
  return false;
}
