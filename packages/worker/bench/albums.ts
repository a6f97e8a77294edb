/**
 * Album sync at family scale: a fake Immich v3.1.0 with 2 ms latency per request, a library in 2,000
 * folders, every album shared with 3 members. For each size (20,000 and 100,000 assets) and each heap
 * (the worker image's flags, then Node's defaults as on a laptop's `albums sync`) it runs, each in its
 * own child process (the fake is not counted):
 *   first sync    budget ≤ albums + ⌈assets/1000⌉ + 10 requests, peak RSS ≤ 200 MB
 *   no-op rerun   budget ≤ 25 requests and ≤ 1.5 s wall
 *   incremental   20 new files in 2 folders: budget ≤ 10 requests beyond the writes
 *   rename        a 500-photo folder renamed on disk (the server: 500 new assets, the old ones offline
 *                 and trashed): budget the no-op's reads, a page more per 1,000 changed assets (the
 *                 500 new and the 500 gone), the album's moves (≤ 2 writes) and 1 verify read
 * and checks afterwards that every album holds exactly its folder's assets, shared with the 3 members.
 *
 *   pnpm --filter @family/immich-worker bench:albums
 *   BENCH_SIZES=20000 BENCH_FOLDERS=500 BENCH_NODE_FLAGS="" pnpm --filter @family/immich-worker bench:albums
 *
 * `BENCH_NODE_FLAGS` runs one heap only ("" for Node's defaults). A table of both ends the output.
 * `BENCH_NOOP_RUNS=5` runs the no-op 5 times and prints the min and median of wall and CPU time.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SIZES = (process.env.BENCH_SIZES ?? "20000,100000").split(",").map(Number);
const FOLDERS = Number(process.env.BENCH_FOLDERS ?? 2000);
const LATENCY_MS = 2;
// The heap flags the worker image sets (NODE_OPTIONS in the Dockerfile), and Node's defaults.
const IMAGE_FLAGS = "--max-old-space-size=96 --max-semi-space-size=2";
const HEAPS = (process.env.BENCH_NODE_FLAGS === undefined ? [IMAGE_FLAGS, ""] : [process.env.BENCH_NODE_FLAGS]).map((f) => f.split(" ").filter(Boolean));

async function child(): Promise<void> {
  const { immichFamilySpec } = await import("@family/immich-spec");
  const { reconcileAlbums } = await import("../src/albums/reconcile.js");
  const spec = immichFamilySpec.parse(JSON.parse(process.env.BENCH_SPEC!));
  const started = performance.now();
  const cpu = process.cpuUsage();
  const report = await reconcileAlbums({ spec, baseUrl: process.env.BENCH_URL!, env: process.env, apply: true, stateDir: process.env.BENCH_STATE! });
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const s = report.libraries[0]!.summary;
  process.stdout.write(
    JSON.stringify({
      ok: report.ok,
      failures: report.libraries.flatMap((r) => r.failures).slice(0, 3),
      wallMs,
      cpuMs: (used.user + used.system) / 1000,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
      created: s.created,
      renamed: s.albums.renamed,
      assetsAdded: s.assetsAdded,
      read: report.libraries[0]?.read?.how,
    }),
  );
}

/** "0.41 / 0.52": the min and the median of some milliseconds, in seconds. */
function spread(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  return `${(sorted[0]! / 1000).toFixed(2)} / ${(sorted[Math.floor((sorted.length - 1) / 2)]! / 1000).toFixed(2)}`;
}

interface Run {
  ok: boolean;
  failures: string[];
  wallMs: number;
  cpuMs: number;
  maxRssMB: number;
  created: number;
  renamed: number;
  assetsAdded: number;
  read: string;
  requests: number;
  writes: number;
}

async function scenario(assets: number, nodeFlags: string[]): Promise<{ lines: string[]; runs: Run[]; missed: boolean; broken: boolean }> {
  const { albumState, createFakeImmich, isWrite } = await import("@family/fake-immich");
  const fake = await createFakeImmich({ version: "v3.1.0" });
  const root = mkdtempSync(join(tmpdir(), "bench-albums-"));
  const stateDir = mkdtempSync(join(tmpdir(), "bench-albums-state-"));
  try {
    const owner = fake.addUser({ email: "owner@example.com", isAdmin: true });
    const members = ["m1", "m2", "m3"].map((m) => fake.addUser({ email: `${m}@example.com` }));
    const library = fake.state.addLibrary({ ownerId: owner.id, name: "photos", importPaths: [root] });
    const folderOf = (i: number) => `${2000 + Math.floor((i % FOLDERS) / 25)}/event-${i % FOLDERS}`;
    const addAsset = (i: number, at: string, updatedAt = at, folder = folderOf(i)) => {
      const id = crypto.randomUUID();
      fake.state.assets.set(id, {
        id,
        ownerId: owner.id,
        libraryId: library.id,
        originalPath: join(root, folder, `IMG_${i}.jpg`),
        originalFileName: `IMG_${i}.jpg`,
        type: "IMAGE",
        fileCreatedAt: at,
        fileModifiedAt: at,
        createdAt: updatedAt,
        updatedAt,
        isOffline: false,
        deletedAt: null,
        size: 1000,
      });
    };
    const base = Date.UTC(2020, 0, 1);
    for (let i = 0; i < assets; i++) {
      if (i < FOLDERS) mkdirSync(join(root, folderOf(i)), { recursive: true });
      addAsset(i, new Date(base + i * 60_000).toISOString());
    }
    // The folder the rename run renames: 500 photos that are files on disk (the worker knows a moved file by them).
    const TRIP = 500;
    mkdirSync(join(root, "2030/big-trip"), { recursive: true });
    for (let k = 0; k < TRIP; k++) {
      const file = join(root, "2030/big-trip", `IMG_${assets + FOLDERS * 100 + k}.jpg`);
      writeFileSync(file, `photo ${k}`);
      utimesSync(file, 1_700_000_000 + k, 1_700_000_000 + k);
      addAsset(assets + FOLDERS * 100 + k, new Date(base - (k + 100) * 60_000).toISOString(), undefined, "2030/big-trip");
    }
    const spec = {
      apiVersion: "immich-family.dev/v1alpha1",
      kind: "ImmichFamily",
      metadata: { name: "bench" },
      immich: { version: "v3.1.0" },
      hosts: { web: "photos.example.com" },
      members: {
        owner: { name: "Owner", email: "owner@example.com", admin: true },
        ...Object.fromEntries(members.map((u, i) => [`m${i + 1}`, { name: `M${i + 1}`, email: u.email }])),
      },
      libraries: {
        photos: { owner: "owner", path: root, albums: { levels: -1, shareWith: [{ member: "m1", role: "editor" }, { member: "m2" }, { member: "m3" }] } },
      },
      targets: { compose: { user: { uid: 1000, gid: 1000 }, paths: { media: "/srv/media" }, libraries: { photos: { hostPath: root } } } },
    };
    fake.faults.add({ kind: "latency", delayMs: LATENCY_MS });
    const env = {
      ...process.env,
      BENCH_CHILD: "1",
      BENCH_URL: fake.url,
      BENCH_STATE: stateDir,
      BENCH_SPEC: JSON.stringify(spec),
      IMMICH_API_KEY: fake.addApiKey(owner, ["all"], "bench"),
    };
    const self = fileURLToPath(import.meta.url);
    const runOnce = async (label: string): Promise<Run> => {
      const from = fake.requests.length;
      // Asynchronous child: the fake in this process must keep answering.
      const result = await new Promise<string>((resolve, reject) => {
        const profile = process.env.BENCH_PROFILE_DIR ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_PROFILE_DIR] : [];
        const p = spawn(process.execPath, [...nodeFlags, ...profile, ...process.execArgv, self], { env, stdio: ["ignore", "pipe", "inherit"] });
        let out = "";
        p.stdout.on("data", (d: Buffer) => {
          out += d.toString();
        });
        p.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`${label}: child exited ${code}`))));
      });
      const r = JSON.parse(result) as Omit<Run, "requests" | "writes">;
      const reqs = fake.requests.slice(from);
      return { ...r, requests: reqs.length, writes: reqs.filter((q) => isWrite(q)).length };
    };
    const first = await runOnce("first sync");
    const rerun = await runOnce("no-op rerun");
    const noops = [rerun];
    for (let k = 1; k < Number(process.env.BENCH_NOOP_RUNS ?? 1); k++) noops.push(await runOnce("no-op rerun"));
    // 20 new files in 2 folders, as a scan imports them: new assets, updated now.
    const now = new Date().toISOString();
    for (let k = 0; k < 20; k++) addAsset(assets + k * FOLDERS + (k < 10 ? 7 : 8), new Date(base - k * 60_000).toISOString(), now);
    const grown = await runOnce("incremental run");
    // The family renames the 500-photo folder; the server's scan imports the files as new assets and
    // takes the old ones offline, to the trash.
    const tripId = [...albumState(fake.state).albums.values()].find((a) => a.albumName === "big-trip")?.id;
    renameSync(join(root, "2030/big-trip"), join(root, "2030/big-italy"));
    const moved = new Date().toISOString();
    for (const a of [...fake.state.assets.values()]) {
      if (!a.originalPath.startsWith(join(root, "2030/big-trip/"))) continue;
      a.isOffline = true;
      a.deletedAt = moved;
      a.updatedAt = moved;
      addAsset(Number(a.originalFileName.slice(4, -4)), a.fileCreatedAt, moved, "2030/big-italy");
    }
    const renamed = await runOnce("rename run");
    const keptId = [...albumState(fake.state).albums.values()].find((a) => a.albumName === "big-italy")?.id;

    // Every album holds exactly its folder's assets and is shared with the 3 members, never the owner.
    const want = new Map<string, number>();
    for (const a of fake.state.assets.values()) {
      if (a.deletedAt !== null) continue;
      const name = a.originalPath.split("/").at(-2)!;
      want.set(name, (want.get(name) ?? 0) + 1);
    }
    const albums = [...albumState(fake.state).albums.values()];
    const liveCount = (a: (typeof albums)[number]) => [...a.assetIds].filter((id) => fake.state.assets.get(id)?.deletedAt === null).length;
    const wrong = albums.filter((a) => liveCount(a) !== want.get(a.albumName) || a.users.size !== 3 || a.users.has(owner.id)).length;
    const broken =
      !first.ok || !rerun.ok || !grown.ok || !renamed.ok || rerun.writes > 0 || wrong > 0 || albums.length !== want.size || !tripId || keptId !== tripId;

    const firstBudget = FOLDERS + 1 + Math.ceil((assets + TRIP) / 1000) + 10;
    const checks = [
      first.requests <= firstBudget && first.maxRssMB <= 200,
      rerun.requests <= 25 && rerun.wallMs <= 1500,
      grown.requests - grown.writes <= 10,
      renamed.requests - renamed.writes <= rerun.requests + Math.floor((2 * TRIP) / 1000) + 1 && renamed.writes <= 2 && renamed.renamed === 1,
    ];
    const mark = (ok: boolean | undefined) => (ok ? "met" : "MISSED");
    const f = (r: Run) =>
      `${r.requests} requests (${r.writes} writes), ${(r.wallMs / 1000).toFixed(2)} s wall (${(r.cpuMs / 1000).toFixed(2)} s CPU), peak RSS ${r.maxRssMB.toFixed(0)} MB, read ${r.read}${r.ok ? "" : `, FAILURES: ${r.failures.join("; ")}`}`;
    const lines = [
      `albums bench: ${assets} assets in ${FOLDERS} folders, shared with 3 members, ${LATENCY_MS} ms latency (fake v3.1.0), node ${nodeFlags.join(" ") || "defaults"}`,
      `  first sync:   ${f(first)}; ${first.created} albums created, ${first.assetsAdded} assets added; budget ≤ ${firstBudget} requests, ≤ 200 MB: ${mark(checks[0])}`,
      `  no-op rerun:  ${f(rerun)}; budget ≤ 25 requests, ≤ 1.5 s: ${mark(checks[1])}`,
      ...(noops.length > 1
        ? [`  no-op x${noops.length}:    ${spread(noops.map((r) => r.wallMs))} s wall, ${spread(noops.map((r) => r.cpuMs))} s CPU (min / median)`]
        : []),
      `  incremental:  20 new files in 2 folders: ${f(grown)}; ${grown.requests - grown.writes} beyond the writes, budget ≤ 10: ${mark(checks[2])}`,
      `  rename:       a ${TRIP}-photo folder renamed: ${f(renamed)}; ${renamed.renamed} album renamed (id kept: ${keptId === tripId}); budget the no-op's ${rerun.requests} reads + ${Math.floor((2 * TRIP) / 1000)} page + 1 verify, ≤ 2 writes: ${mark(checks[3])}`,
      `  albums right: ${albums.length - wrong} of ${want.size}${broken ? " — BROKEN" : ""}`,
    ];
    return { lines, runs: [first, rerun, grown, renamed], missed: checks.some((c) => !c), broken };
  } finally {
    await fake.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
  }
}

async function parent(): Promise<void> {
  const rows: string[] = [];
  for (const size of SIZES) {
    for (const flags of HEAPS) {
      const r = await scenario(size, flags);
      process.stdout.write(`${r.lines.join("\n")}\n`);
      if (r.broken) process.exitCode = 1;
      const cell = (x: Run) => `${x.requests} req, ${(x.wallMs / 1000).toFixed(2)} s, ${x.maxRssMB.toFixed(0)} MB`;
      rows.push(`| ${size} | ${flags.length > 0 ? "image" : "default"} | ${r.runs.map(cell).join(" | ")} |`);
    }
  }
  process.stdout.write(
    [
      "",
      "| assets | heap | first sync | no-op rerun | incremental (+20 files) | rename (500 photos) |",
      "|---|---|---|---|---|---|",
      ...rows,
      `(image: ${IMAGE_FLAGS}; default: no flags; peak RSS of the syncing process)`,
      "",
    ].join("\n"),
  );
}

await (process.env.BENCH_CHILD ? child() : parent());
