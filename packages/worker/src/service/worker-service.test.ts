import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { albumState, createFakeImmich, type FakeImmich } from "@family/fake-immich";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { reconcileAlbums } from "../albums/reconcile.js";
import { nodeWalker, type Walker } from "../changes/walker.js";
import { minimalInput, runSource, secretRef, specText, tempTree, testSpec } from "../../test/helpers.js";
import { createLogger } from "./logger.js";
import { WorkerService, type WorkerServiceOptions } from "./worker-service.js";

let fake: FakeImmich;
let tree: ReturnType<typeof tempTree>;
let stateDir: string;
let key: string;
let logs: Record<string, unknown>[];

const logger = () => {
  logs = [];
  return createLogger({
    level: "debug",
    destination: new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split("\n")) if (line) logs.push(JSON.parse(line));
        done();
      },
    }),
  });
};

beforeEach(async () => {
  fake = await createFakeImmich();
  key = fake.addApiKey(fake.addUser({ email: "ann@example.com", isAdmin: true }), ["all"], "worker");
  tree = tempTree();
  tree.add("family/a.jpg");
  stateDir = mkdtempSync(join(tmpdir(), "worker-state-"));
});
afterEach(async () => {
  await fake.close();
  tree.cleanup();
  rmSync(stateDir, { recursive: true, force: true });
});

const scans = () => fake.requests.filter((r) => r.path.endsWith("/scan") && r.status === 204).length;
const until = async (cond: () => boolean, what: string, tries = 400) => {
  for (let i = 0; i < tries && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
};

function service(extra: Partial<WorkerServiceOptions> = {}) {
  return new WorkerService({
    spec: testSpec({ family: { owner: "ann", path: `${tree.root}/family` } }),
    url: fake.url,
    apiKey: key,
    stateDir,
    logger: logger(),
    port: 0,
    host: "127.0.0.1",
    intervalMs: 20,
    debounceMs: 0,
    queuePollMs: 10,
    requestTimeoutMs: 300,
    backoff: { baseMs: 5, maxMs: 20, attempts: 4 },
    ...extra,
  });
}

describe("WorkerService", () => {
  it("polls, scans only on change, runs the after-scan hook and serves health and metrics", async () => {
    const after: string[] = [];
    const svc = service({ afterScan: async (lib) => void after.push(lib.handle) });
    const port = await svc.listen();
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(503);
    const running = svc.run();
    await until(() => scans() === 1 && after.length === 1, "the first scan");
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    const polls = () => fake.requests.length;
    const before = polls();
    await new Promise((r) => setTimeout(r, 100));
    expect(scans()).toBe(1);
    expect(polls()).toBe(before); // a no-change poll makes no API call at all
    tree.add("family/b.jpg");
    await until(() => scans() === 2 && after.length === 2, "a scan after the new file");
    expect(after).toEqual(["family", "family"]);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('immich_family_scans_triggered_total{library="family"} 2');
    expect(metrics).toContain('immich_family_changes_seen_total{library="family"} 2');
    expect(metrics).toMatch(/immich_family_last_success_timestamp_seconds\{library="family"\} \d+/);
    svc.stop();
    await running;
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    expect(JSON.stringify(logs)).not.toContain(key);
  });

  it("debounces a burst of changes into one scan", async () => {
    const svc = service({ debounceMs: 150 });
    const running = svc.run();
    await until(() => scans() === 1, "the first scan");
    for (let i = 0; i < 5; i++) {
      tree.add(`family/burst/${i}.jpg`);
      await new Promise((r) => setTimeout(r, 40));
    }
    await until(() => scans() === 2, "the burst's scan");
    await new Promise((r) => setTimeout(r, 300));
    expect(scans()).toBe(2);
    expect([...fake.state.assets.values()]).toHaveLength(6);
    svc.stop();
    await running;
  });

  it("settles its debounce when the walker lists the same files in a different order each poll", async () => {
    for (let i = 0; i < 30; i++) tree.add(`family/${i % 5}/${i}.jpg`);
    const orders: string[] = [];
    const shuffling: Walker = {
      name: "node",
      async each(input, visit) {
        const files = await nodeWalker.list(input);
        for (let k = files.length - 1; k > 0; k--) {
          const r = Math.floor(Math.random() * (k + 1));
          [files[k], files[r]] = [files[r]!, files[k]!];
        }
        orders.push(files.join("\n"));
        for (const f of files) visit(f);
      },
      list: (input) => nodeWalker.list(input),
    };
    const svc = service({ walker: shuffling, debounceMs: 60 });
    const running = svc.run();
    await until(() => scans() === 1, "the first scan despite the shuffled listings");
    expect(new Set(orders).size).toBe(orders.length); // every poll listed the tree in another order
    expect(logs.filter((l) => l.msg === "changes seen")).toHaveLength(1);
    svc.stop();
    await running;
  });

  it("reports a missing root and does not scan until it is back", async () => {
    const svc = service();
    const running = svc.run();
    await until(() => scans() === 1, "the first scan");
    const port = await svc.listen();
    rmSync(join(tree.root, "family"), { recursive: true });
    await until(() => logs.some((l) => l.reason === "missing"), "the missing-root warning");
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics.split("\n").filter((l) => l.startsWith("immich_family_library_blocked"))).toEqual(['immich_family_library_blocked{library="family"} 1']);
    expect(scans()).toBe(1);
    expect([...fake.state.assets.values()].filter((a) => a.isOffline)).toEqual([]);
    tree.add("family/a.jpg");
    tree.add("family/c.jpg");
    await until(() => scans() === 2, "a scan once the root is back");
    svc.stop();
    await running;
  });

  it("backs off through API errors, counts them by kind, and scans once the server recovers", async () => {
    const svc = service();
    fake.faults.add({ path: "/libraries/:id/scan", kind: "status", status: 503, times: 5 });
    fake.faults.add({ path: "/users", kind: "rate-limit", retryAfterSeconds: 0, times: 1 });
    const port = await svc.listen();
    const running = svc.run();
    await until(() => scans() === 1, "a successful scan");
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('immich_family_api_errors_total{kind="server"} 5');
    expect(metrics).toContain('immich_family_api_errors_total{kind="rate-limit"} 1');
    svc.stop();
    await running;
  });
});

describe("WorkerService album syncs", () => {
  const withAlbums = (extra: Partial<WorkerServiceOptions> = {}) => {
    fake.addUser({ email: "bob@example.com" });
    const spec = testSpec({ family: { owner: "ann", path: `${tree.root}/family`, albums: { levels: 1, shareWith: [{ member: "bob", role: "viewer" }] } } });
    return service({
      spec,
      intervalMs: 60_000,
      albumIntervalMs: 80,
      albumDeepIntervalMs: 60_000,
      reconcileAlbums: (library, { deep, onError }) =>
        reconcileAlbums({
          spec,
          baseUrl: fake.url,
          env: { IMMICH_API_KEY: key },
          library,
          apply: true,
          deep,
          stateDir,
          client: { onError, timeoutMs: 2_000, backoff: { baseMs: 1, maxMs: 5, attempts: 2 } },
        }),
      ...extra,
    });
  };
  const album = () => [...albumState(fake.state).albums.values()][0];

  it("syncs at start and on its schedule, so a share removed on the server comes back with no file change", async () => {
    tree.add("family/2024/a.jpg");
    const svc = withAlbums();
    const port = await svc.listen();
    const running = svc.run();
    await until(() => album()?.users.size === 1, "the album, made and shared at start");
    // The first sync ran at start, before any poll saw the files.
    expect(logs.findIndex((l) => l.msg === "albums synced")).toBeLessThan(logs.findIndex((l) => l.msg === "changes seen"));
    const bob = fake.state.userByEmail("bob@example.com")!;
    const scansBefore = scans();
    album()!.users.delete(bob.id);
    await until(() => album()?.users.get(bob.id) === "viewer", "the share restored by the scheduled sync");
    expect(scans()).toBe(scansBefore); // no file changed, no scan: the schedule did it
    const ready = async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
    for (let i = 0; i < 100 && (await ready()) !== 200; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await ready()).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('immich_family_album_outcomes_total{library="family",outcome="created"} 1');
    expect(metrics).toContain('immich_family_album_outcomes_total{library="family",outcome="repaired"} 1');
    expect(metrics).toMatch(/immich_family_album_syncs_total\{library="family",depth="cheap",result="ok"\} [1-9]/);
    expect(metrics).toMatch(/immich_family_album_last_success_timestamp_seconds\{library="family"\} \d+/);
    expect(logs.find((l) => l.msg === 'repaired: album "2024": shared with bob@example.com again')).toBeDefined();
    svc.stop();
    await running;
  });

  it("is not ready while album syncs fail, and ready again once one succeeds; deep syncs run on their own schedule", async () => {
    tree.add("family/2024/a.jpg");
    const svc = withAlbums({ albumDeepIntervalMs: 150 });
    const port = await svc.listen();
    const running = svc.run();
    await until(() => album() !== undefined, "the first album sync");
    const broken = fake.faults.add({ kind: "status", status: 500, method: "GET", path: "/albums" });
    await until(() => logs.some((l) => l.msg === "album step failed; retried next run"), "a failed album sync");
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(503);
    expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toContain('immich_family_album_sync_failing{library="family"} 1');
    broken.remove();
    await until(() => logs.filter((l) => l.msg === "albums synced").length >= 3 && !logs.at(-1)?.failure, "a sync after the server recovered");
    await until(() => logs.some((l) => l.msg === "albums synced" && l.depth === "deep"), "a deep sync");
    await new Promise((r) => setTimeout(r, 200));
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    svc.stop();
    await running;
  });
});

describe("worker process", () => {
  it("stops cleanly on SIGTERM with exit code 0", async () => {
    const specFile = join(stateDir, "immich-family.yaml");
    writeFileSync(
      specFile,
      specText(minimalInput({ family: { owner: "ann", path: `${tree.root}/family` } }, { worker: { apiKey: secretRef("WORKER_KEY"), debounce: "100ms" } })),
    );
    const { child, output, exited } = runSource(new URL("../main.ts", import.meta.url), [specFile], {
      env: { ...process.env, IMMICH_URL: fake.url, WORKER_KEY: key, IMMICH_FAMILY_STATE_DIR: stateDir, IMMICH_FAMILY_WORKER_PORT: "0" },
    });
    await until(() => scans() === 1 || child.exitCode !== null, "the worker's first scan", 2_000).catch((e: Error) => {
      throw new Error(`${e.message}\n${output.out}`);
    });
    expect(output.err).toBe("");
    const port = Number(/"port":(\d+)/.exec(output.out)?.[1]);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    child.kill("SIGTERM");
    expect((await exited).code).toBe(0);
    const lines = output.out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { msg: string });
    expect(lines.map((l) => l.msg)).toContain("worker stopped");
    expect(output.out).not.toContain(key);
    expect(output.err).toBe("");
  }, 30_000);

  it("a key the server rejects: named in the log with what to do, in /readyz's body and a metric, until it works again", async () => {
    const fault = fake.faults.add({ kind: "status", status: 401 });
    const svc = service({ keyName: "WORKER_KEY" });
    const port = await svc.listen();
    const running = svc.run();
    await until(() => logs.some((l) => l.key === "WORKER_KEY" && l.level === 50), "the log line");
    expect(logs.find((l) => l.key === "WORKER_KEY" && l.level === 50)?.msg).toBe(
      "the server rejects the API key in WORKER_KEY (401): put a valid admin API key there and restart the worker",
    );
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect([ready.status, await ready.text()]).toEqual([
      503,
      "not ready\nthe server rejects the API key in WORKER_KEY (401): put a valid admin API key there and restart the worker\nthe libraries are not reconciled yet (see the log)\n",
    ]);
    const metrics = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(await metrics()).toContain('immich_family_credentials_rejected{key="WORKER_KEY"} 1');
    fault.remove();
    await until(() => logs.some((l) => l.msg === "the API key in WORKER_KEY works again"), "the key to work", 800);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    expect(await metrics()).toContain('immich_family_credentials_rejected{key="WORKER_KEY"} 0');
    svc.stop();
    await running;
  });
});
