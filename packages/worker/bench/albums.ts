/**
 * Album sync at family scale: a fake Immich with 2 ms latency per request, a library of 20,000
 * assets in 500 folders, every album shared with 3 members. Reports the first run's requests and
 * wall time, the no-op rerun's requests (target: zero writes, reads ≤ ⌈assets/1000⌉ + a few) and
 * the worker's peak RSS (target < 200 MB; the sync runs in a child process so the fake is not counted).
 *
 *   pnpm --filter @family/immich-worker bench:albums
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ASSETS = Number(process.env.BENCH_ASSETS ?? 20_000);
const FOLDERS = Number(process.env.BENCH_FOLDERS ?? 500);
const LATENCY_MS = 2;

async function child(): Promise<void> {
  const { immichFamilySpec } = await import("@family/immich-spec");
  const { syncAlbums } = await import("../src/albums/reconciler.js");
  const spec = immichFamilySpec.parse(JSON.parse(process.env.BENCH_SPEC!));
  const started = performance.now();
  const report = await syncAlbums({ spec, baseUrl: process.env.BENCH_URL!, env: process.env, apply: true });
  const wallMs = performance.now() - started;
  const s = report.libraries[0]!.summary;
  process.stdout.write(
    JSON.stringify({ ok: report.ok, failures: report.libraries.flatMap((r) => r.failures).slice(0, 3), wallMs, maxRssMB: process.resourceUsage().maxRSS / 1024, created: s.created, assetsAdded: s.assetsAdded }),
  );
}

async function parent(): Promise<void> {
  const { createFakeImmich, isWrite } = await import("@family/fake-immich");
  const fake = await createFakeImmich({ version: "v3.1.0" });
  const root = mkdtempSync(join(tmpdir(), "bench-albums-"));
  try {
    const owner = fake.addUser({ email: "owner@example.com", isAdmin: true });
    const members = ["m1", "m2", "m3"].map((m) => fake.addUser({ email: `${m}@example.com` }));
    const library = fake.state.addLibrary({ ownerId: owner.id, name: "photos", importPaths: [root] });
    const base = Date.UTC(2020, 0, 1);
    for (let i = 0; i < ASSETS; i++) {
      const folder = `${2000 + (i % FOLDERS) / 25}/event-${i % FOLDERS}`.replace(/\.\d+/, "");
      if (i < FOLDERS) mkdirSync(join(root, folder), { recursive: true });
      const at = new Date(base + i * 60_000).toISOString();
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
        createdAt: at,
        updatedAt: at,
        isOffline: false,
        deletedAt: null,
        size: 1000,
      });
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
    const env = { ...process.env, BENCH_CHILD: "1", BENCH_URL: fake.url, BENCH_SPEC: JSON.stringify(spec), IMMICH_API_KEY: fake.addApiKey(owner, ["all"], "bench") };
    const self = fileURLToPath(import.meta.url);
    const runOnce = async (label: string) => {
      const from = fake.requests.length;
      // Asynchronous child: the fake in this process must keep answering.
      const result = await new Promise<string>((resolve, reject) => {
        const p = spawn(process.execPath, [...process.execArgv, self], { env, stdio: ["ignore", "pipe", "inherit"] });
        let out = "";
        p.stdout.on("data", (d: Buffer) => {
          out += d.toString();
        });
        p.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`${label}: child exited ${code}`))));
      });
      const r = JSON.parse(result) as { ok: boolean; failures: string[]; wallMs: number; maxRssMB: number; created: number; assetsAdded: number };
      const reqs = fake.requests.slice(from);
      const writes = reqs.filter((q) => isWrite(q)).length;
      return { ...r, requests: reqs.length, reads: reqs.length - writes, writes };
    };
    const first = await runOnce("first run");
    const rerun = await runOnce("no-op rerun");
    // The library's pages, then a few: the archive pass's page, a count for each of timeline and
    // archive, who-am-I, users, libraries, albums, and one to spare.
    const readBudget = Math.ceil(ASSETS / 1000) + 8;
    const lines = [
      `albums bench: ${ASSETS} assets in ${FOLDERS} folders, shared with 3 members, ${LATENCY_MS} ms latency per request (fake v3.1.0)`,
      `  first run:   ${first.requests} requests (${first.writes} writes), ${(first.wallMs / 1000).toFixed(2)} s wall, ${first.created} albums created, ${first.assetsAdded} assets added, peak RSS ${first.maxRssMB.toFixed(0)} MB${first.ok ? "" : `, FAILURES: ${first.failures.join("; ")}`}`,
      `  no-op rerun: ${rerun.requests} requests (${rerun.reads} reads, ${rerun.writes} writes; budget ≤ ${readBudget} reads, 0 writes), ${(rerun.wallMs / 1000).toFixed(2)} s wall, peak RSS ${rerun.maxRssMB.toFixed(0)} MB`,
      `  targets: zero writes ${rerun.writes === 0 ? "met" : "MISSED"}, reads ${rerun.reads <= readBudget ? "met" : "MISSED"}, RSS < 200 MB ${Math.max(first.maxRssMB, rerun.maxRssMB) < 200 ? "met" : "MISSED"}`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    if (!first.ok || rerun.writes > 0) process.exitCode = 1;
  } finally {
    await fake.close();
    rmSync(root, { recursive: true, force: true });
  }
}

await (process.env.BENCH_CHILD ? child() : parent());
