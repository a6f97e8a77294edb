// `pnpm bench`: one library of 100,000 files in 5,000 folders under os.tmpdir().
// Measures one poll (no change, cheap and deep; one added file), the time from a file's arrival to
// the scan request on the fake, and the peak RSS of this process. Cleans up after itself.
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { immichFamilySpec } from "@family/immich-spec";
import { LibraryPoller } from "../src/changes/library-poller.js";
import { defaultWalker } from "../src/changes/walker.js";
import { createLogger } from "../src/service/logger.js";
import { WorkerService } from "../src/service/worker-service.js";

const FOLDERS = Number(process.env.BENCH_FOLDERS ?? 5_000);
const PER_FOLDER = Number(process.env.BENCH_FILES_PER_FOLDER ?? 20);
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 5_000);

const root = mkdtempSync(join(tmpdir(), "immich-family-bench-"));
const library = join(root, "photos");
const stateDir = join(root, "state");

function measure<T>(fn: () => Promise<T>): Promise<{ result: T; cpuMs: number; wallMs: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  return fn().then((result) => {
    const cpu = process.cpuUsage(cpu0);
    return { result, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - t0 };
  });
}

const fmt = (n: number) => n.toFixed(0).padStart(6);
const rows: string[] = [];
const worst = { cpuMs: 0, wallMs: 0 };
const debug = process.env.BENCH_DEBUG
  ? (what: string) => console.log(`${what}: rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)}`)
  : () => {};
const row = (what: string, m: { cpuMs: number; wallMs: number }, note = "") => {
  debug(what);
  rows.push(`${what.padEnd(34)} cpu ${fmt(m.cpuMs)} ms   wall ${fmt(m.wallMs)} ms  ${note}`);
};

try {
  const g0 = performance.now();
  for (let d = 0; d < FOLDERS; d++) {
    const dir = join(library, `${2000 + (d % 25)}`, `event-${d}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < PER_FOLDER; f++) writeFileSync(join(dir, `IMG_${f}.jpg`), "");
  }
  const total = FOLDERS * PER_FOLDER;
  const walker = await defaultWalker();
  console.log(`generated ${total} files in ${FOLDERS} folders in ${((performance.now() - g0) / 1000).toFixed(1)} s; walker: ${walker.name}`);

  const startRss = process.memoryUsage().rss / 1e6;
  await pollPhase(total);
  (globalThis as { gc?: () => void }).gc?.(); // the bench's own poller is gone; measure the service alone
  // The service starts from the committed snapshot, as a restarted worker does.
  cpSync(join(stateDir, "libraries"), join(root, "service-state", "libraries"), { recursive: true });
  await servicePhase(startRss);
} finally {
  rmSync(root, { recursive: true, force: true });
}

async function pollPhase(total: number): Promise<void> {
  const poller = new LibraryPoller({ handle: "bench", importPaths: [library], exclusionPatterns: ["**/raw/**", "**/@eaDir/**"], stateDir });
  const first = await measure(() => poller.poll(true));
  row("first poll (stat every file)", first, `${first.result.status}, ${total} files`);
  const commit = await measure(() => poller.commit());
  row("save snapshot", commit);
  const cheap: { cpuMs: number; wallMs: number }[] = [];
  for (let i = 0; i < 5; i++) {
    const m = await measure(() => poller.poll(false));
    if (m.result.status !== "unchanged") throw new Error(`expected no change, got ${m.result.status}`);
    cheap.push(m);
  }
  Object.assign(
    worst,
    cheap.reduce((a, b) => (b.cpuMs > a.cpuMs ? b : a)),
  );
  const median = [...cheap].sort((a, b) => a.cpuMs - b.cpuMs)[2]!;
  row("no-change poll (median of 5)", median);
  row("no-change poll (worst of 5)", worst);
  const deep = await measure(() => poller.poll(true));
  row("no-change deep poll (every 12th)", deep, deep.result.status);
  writeFileSync(join(library, "2001", "event-1", "NEW.jpg"), "new");
  const added = await measure(() => poller.poll(false));
  row("poll with one added file", added, added.result.status === "changed" ? `changed: +${added.result.diff.added.length}` : added.result.status);
  await poller.commit();
}

async function servicePhase(startRss: number): Promise<void> {
  // Arrival → scan request, through the real service against the fake in another process.
  const fakeProcess = spawn(
    process.execPath,
    ["--conditions=@family/source", "--import", "tsx", process.env.BENCH_FAKE_SERVER ?? fileURLToPath(new URL("./fake-server.ts", import.meta.url))],
    {
      cwd: process.env.BENCH_CWD ?? process.cwd(),
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const lines = createInterface({ input: fakeProcess.stdout });
  const scans: number[] = [];
  let hello: (v: { url: string; key: string }) => void = () => {};
  const ready = new Promise<{ url: string; key: string }>((r) => {
    hello = r;
  });
  lines.on("line", (line) => {
    if (line.startsWith("scan ")) scans.push(Number(line.slice(5)));
    else hello(JSON.parse(line));
  });
  const { url, key } = await ready;
  const spec = immichFamilySpec.parse({
    apiVersion: "immich-family.dev/v1alpha1",
    kind: "ImmichFamily",
    metadata: { name: "bench" },
    immich: { version: "v2.7.5" },
    hosts: { web: "photos.example.com" },
    members: { ann: { name: "Ann", email: "ann@example.com", admin: true } },
    libraries: { bench: { owner: "ann", path: library, exclusionPatterns: ["**/raw/**", "**/@eaDir/**"] } },
    targets: { compose: { user: { uid: 1000, gid: 1000 }, paths: { media: "/srv/media" } } },
  });
  const service = new WorkerService({
    spec,
    url,
    apiKey: key,
    stateDir: join(root, "service-state"),
    logger: createLogger({ destination: new Writable({ write: (_c, _e, done) => done() }) }),
    intervalMs: INTERVAL_MS,
    debounceMs: 0,
  });
  debug("service created");
  const running = service.run();
  const waitFor = async (n: number) => {
    while (scans.length < n) await new Promise((r) => setTimeout(r, 5));
  };
  // wait for the service's first poll (it starts from the saved snapshot: no change, no scan)
  while (!(await service.metrics.polls.get()).values.some((v) => v.labels.result === "unchanged")) {
    await new Promise((r) => setTimeout(r, 20));
  }
  debug("service first poll");
  await new Promise((r) => setTimeout(r, INTERVAL_MS / 3));
  const arrival = Date.now();
  writeFileSync(join(library, "2002", "event-2", "ARRIVED.jpg"), "new");
  await waitFor(1);
  const latency = scans[0]! - arrival;
  debug("service scan");
  service.stop();
  await running;
  fakeProcess.kill("SIGTERM");

  const peakRss = process.resourceUsage().maxRSS / 1024;
  console.log(rows.join("\n"));
  console.log(`${"file arrival → scan request".padEnd(34)} ${latency} ms (poll interval ${INTERVAL_MS} ms, debounce 0)`);
  console.log(`${"peak RSS of the worker process".padEnd(34)} ${peakRss.toFixed(0)} MB (${startRss.toFixed(0)} MB at start, before any poll)`);
  const cheapOk = worst.cpuMs < 1000;
  const detectOk = latency <= INTERVAL_MS;
  const rssOk = peakRss < 150;
  console.log(
    `targets: no-change poll < 1 s CPU ${cheapOk ? "ok" : "MISSED"}; detection within one interval ${detectOk ? "ok" : "MISSED"}; RSS < 150 MB ${rssOk ? "ok" : "MISSED"}`,
  );
  if (!cheapOk || !detectOk || !rssOk) process.exitCode = 1;
}
