/**
 * Signals while a command is blocked: every command that reads a spec, fed from standard input that
 * never ends, a pipe cut off mid-spec or a FIFO no one writes, ends at once on SIGINT (130) and
 * SIGTERM (143), printing nothing. The worker alone stops gracefully (exit 0). Run through the built CLI.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { immichFixture, startCli } from "../helpers.js";

interface SignalCase {
  readonly args: readonly string[];
  /** What the command waits on: standard input left open, a pipe that sent half a line, or the FIFO at `FIFO`. */
  readonly input: "stdin" | "partial" | "fifo";
  readonly signal: "SIGINT" | "SIGTERM";
}

const FIFO = "spec.fifo";
const COMMANDS: readonly (readonly string[])[] = [
  ["validate", "-"],
  ["render", "-", "--out", "out"],
  ["diff", "-", "--out", "out"],
  ["config", "render", "-"],
  ["secrets", "-"],
  ["oauth", "redirect-uris", "-"],
  ["upgrade", "-"],
];
const CASES: readonly SignalCase[] = [
  ...COMMANDS.map((args, i): SignalCase => ({ args, input: "stdin", signal: i % 2 === 0 ? "SIGINT" : "SIGTERM" })),
  ...COMMANDS.slice(0, 3).map((args, i): SignalCase => ({ args, input: "partial", signal: i % 2 === 0 ? "SIGTERM" : "SIGINT" })),
  ...COMMANDS.slice(0, 4).map(
    (args, i): SignalCase => ({ args: args.map((a) => (a === "-" ? FIFO : a)), input: "fifo", signal: i % 2 === 0 ? "SIGINT" : "SIGTERM" }),
  ),
];
const EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Wait until the process is blocked: its CPU time (Linux /proc) stops growing for half a second. A
 * signal before its handlers are set would kill it with the default action, and one during a busy
 * start-up would be handled only after it, which is not what is tested.
 */
async function blocked(pid: number): Promise<void> {
  const cpu = () => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      return `${fields[11]} ${fields[12]}`;
    } catch {
      return "gone";
    }
  };
  let last = cpu();
  let still = 0;
  for (const end = Date.now() + 20_000; Date.now() < end && still < 5; ) {
    await sleep(100);
    const now = cpu();
    still = now === last ? still + 1 : 0;
    last = now;
  }
}

describe("SIGINT and SIGTERM end a command blocked on its input at once, with 130 and 143", () => {
  const dir = mkdtempSync(join(tmpdir(), "immich-family-signals-"));
  execFileSync("mkfifo", [join(dir, FIFO)]);

  it("covers every command that reads a spec from standard input, each kind of input, both signals", () => {
    expect(CASES.length).toBe(14);
    expect(new Set(CASES.map((c) => c.signal)).size).toBe(2);
  });

  it.concurrent.each(CASES.map((c) => [`${c.signal}: ${c.args.join(" ")} (${c.input})`, c] as const))("%s", async (_, c) => {
    const run = startCli(c.args, dir);
    if (c.input === "partial") run.child.stdin.write("apiVersion: immich-family.dev/v1alpha1\nkind: Imm");
    await blocked(run.child.pid ?? 0);
    const sent = Date.now();
    run.child.kill(c.signal);
    const end = await Promise.race([run.exited, sleep(5000).then(() => undefined)]);
    if (!end) run.child.kill("SIGKILL");
    expect({
      status: end?.status,
      signal: end?.signal ?? null,
      promptly: Date.now() - sent < 1500,
      output: end ? `${end.stdout}${end.stderr}` : "(hung)",
    }).toEqual({
      status: EXIT[c.signal],
      signal: null,
      promptly: true,
      output: "",
    });
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
