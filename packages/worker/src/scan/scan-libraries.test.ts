import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFakeImmich, type FakeImmich, type FaultSpec } from "@family/fake-immich";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempTree, testClient, testSpec } from "../../test/helpers.js";
import { scanLibraries } from "./scan-libraries.js";

let fake: FakeImmich;
let tree: ReturnType<typeof tempTree>;
let stateDir: string;
let key: string;

beforeEach(async () => {
  fake = await createFakeImmich();
  key = fake.addApiKey(fake.addUser({ email: "ann@example.com", isAdmin: true }), ["all"], "worker");
  fake.addUser({ email: "bob@example.com" });
  tree = tempTree();
  tree.add("family/2024/a.jpg");
  tree.add("family/2024/b.jpg");
  stateDir = mkdtempSync(join(tmpdir(), "worker-state-"));
});
afterEach(async () => {
  await fake.close();
  tree.cleanup();
  rmSync(stateDir, { recursive: true, force: true });
});

const spec = () => testSpec({ family: { owner: "ann", path: `${tree.root}/family`, exclusionPatterns: ["**/raw/**"] } });
const scans = () => fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/scan") && r.status === 204).length;
const onServer = () =>
  [...fake.state.assets.values()]
    .filter((a) => !a.isOffline)
    .map((a) => a.originalPath.slice(tree.root.length + 1))
    .sort();
const run = (extra = {}) => scanLibraries(testClient(fake.url, key), spec(), { stateDir, wait: true, waitIntervalMs: 10, ...extra });

describe("scanLibraries", () => {
  it("scans on the first run, then only when the server would import something new", async () => {
    const first = await run();
    expect(first.libraries.map((l) => l.outcome)).toEqual(["scanned"]);
    expect(first.waited).toBe(true);
    expect(onServer()).toEqual(["family/2024/a.jpg", "family/2024/b.jpg"]);

    expect((await run()).libraries.map((l) => l.outcome)).toEqual(["unchanged"]);
    tree.add("family/2024/raw/c.jpg");
    tree.add("family/2024/.hidden.jpg");
    tree.add("family/2024/notes.txt");
    expect((await run()).libraries.map((l) => l.outcome)).toEqual(["unchanged"]);
    expect(scans()).toBe(1);

    tree.add("family/2025/d.jpg");
    expect((await run()).libraries.map((l) => l.outcome)).toEqual(["scanned"]);
    expect(onServer()).toEqual(["family/2024/a.jpg", "family/2024/b.jpg", "family/2025/d.jpg"]);
    expect(scans()).toBe(2);
  });

  it("sees files rewritten in place and deletions", async () => {
    await run();
    const a = join(tree.root, "family/2024/a.jpg");
    writeFileSync(a, "edited, longer content");
    utimesSync(a, 1_800_000_000, 1_800_000_000);
    expect((await run()).libraries.map((l) => l.outcome)).toEqual(["scanned"]);
    tree.remove("family/2024/b.jpg");
    const report = await run();
    expect(report.libraries[0]).toMatchObject({ outcome: "scanned", poll: { diff: { removed: [join(tree.root, "family/2024/b.jpg")] } } });
    expect(onServer()).toEqual(["family/2024/a.jpg"]);
  });

  it("never scans while an import root is missing or empty, even with --force", async () => {
    await run();
    const root = join(tree.root, "family");
    rmSync(root, { recursive: true });
    const missing = await run({ force: true });
    expect(missing.libraries[0]).toMatchObject({ outcome: "blocked", poll: { problems: [{ reason: "missing", path: root }] } });
    tree.add("family/.keep-mountpoint");
    rmSync(join(root, ".keep-mountpoint"));
    const empty = await run({ force: true });
    expect(empty.libraries[0]).toMatchObject({ outcome: "blocked", poll: { problems: [{ reason: "empty" }] } });
    tree.add("family/lost+found/readme.txt");
    const vanished = await run({ force: true });
    expect(vanished.libraries[0]).toMatchObject({ outcome: "blocked", poll: { problems: [{ reason: "vanished" }] } });
    expect(scans()).toBe(1);
    expect(onServer()).toEqual(["family/2024/a.jpg", "family/2024/b.jpg"]);
  });

  it("--force scans without a change; --dry-run writes nothing", async () => {
    await run();
    expect((await run({ force: true })).libraries.map((l) => l.outcome)).toEqual(["scanned"]);
    const writes = fake.writes().length;
    tree.add("family/new.jpg");
    expect((await run({ dryRun: true })).libraries.map((l) => l.outcome)).toEqual(["would-scan"]);
    expect(fake.writes()).toHaveLength(writes);
    expect((await run()).libraries.map((l) => l.outcome)).toEqual(["scanned"]);
  });

  const faults: [string, FaultSpec][] = [
    ["5xx", { kind: "status", status: 503, times: 2 }],
    ["429 with Retry-After", { kind: "rate-limit", retryAfterSeconds: 0, times: 2 }],
    ["latency", { kind: "latency", delayMs: 50, times: 3 }],
    ["a hung request (timeout)", { kind: "hang", times: 1 }],
    ["a dropped connection", { kind: "drop", times: 2 }],
    ["a lost answer (request carried out)", { kind: "drop-response", times: 1 }],
  ];
  for (const [name, fault] of faults) {
    it(`recovers from ${name} on every call and loses no change`, async () => {
      await run();
      tree.add("family/2025/new.jpg");
      for (const path of ["/users", "/libraries", "/libraries/:id/validate", "/libraries/:id/scan", "/jobs"]) fake.faults.add({ ...fault, path });
      const report = await scanLibraries(testClient(fake.url, key, { timeoutMs: 300 }), spec(), { stateDir, wait: true, waitIntervalMs: 10 });
      expect(report.libraries.map((l) => l.outcome)).toEqual(["scanned"]);
      expect(onServer()).toContain("family/2025/new.jpg");
      expect(fake.requests.some((r) => r.fault !== undefined)).toBe(true);
    });
  }

  it("keeps the change for the next run when the scan request keeps failing", async () => {
    await run();
    tree.add("family/2025/new.jpg");
    fake.faults.add({ path: "/libraries/:id/scan", kind: "status", status: 500 });
    await expect(scanLibraries(testClient(fake.url, key, { backoff: { baseMs: 1, maxMs: 2, attempts: 2 } }), spec(), { stateDir })).rejects.toThrow(
      "scan library family: HTTP 500",
    );
    fake.faults.clear();
    expect((await run()).libraries.map((l) => l.outcome)).toEqual(["scanned"]);
    expect(onServer()).toContain("family/2025/new.jpg");
  });
});
