// Loads a 100,000-asset record 7 times (CPU per load, GC per load), to compare record formats:
//   node --max-old-space-size=96 --max-semi-space-size=2 --conditions=@family/source --import tsx bench/record-load.ts [src folder, default ./src]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PerformanceObserver } from "node:perf_hooks";
const src = process.argv[2] ?? new URL("../src", import.meta.url).pathname;
const { FolderIndex } = await import(join(src, "albums/_folders.ts"));
const { saveRecord, loadRecord } = await import(join(src, "albums/_record.ts"));
const index = new FolderIndex();
for (let i = 0; i < 100_000; i++)
  index.put(
    crypto.randomUUID(),
    `/photos/${2000 + Math.floor((i % 2000) / 25)}/event-${i % 2000}/IMG_${i}.jpg`,
    new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString(),
  );
for (const f of index.folders.values()) f.ident?.fill(123456789);
index.settle();
const dir = mkdtempSync(join(tmpdir(), "record-load-"));
const file = join(dir, "r.assets");
await saveRecord(file, { server: "s", libraryId: "l", ownerId: "o", watermark: "w", assets: index });
let gcs = 0;
let gcMs = 0;
new PerformanceObserver((l) => {
  for (const e of l.getEntries()) {
    gcs++;
    gcMs += e.duration;
  }
}).observe({ entryTypes: ["gc"] });
const runs: number[] = [];
for (let k = 0; k < 7; k++) {
  const c = process.cpuUsage();
  const r = await loadRecord(file);
  if (r.assets.size !== 100_000) throw new Error("bad load");
  const u = process.cpuUsage(c);
  runs.push((u.user + u.system) / 1000);
}
await new Promise((r) => setTimeout(r, 50));
runs.sort((a, b) => a - b);
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    src,
    medianCpuMs: runs[3]!.toFixed(0),
    minCpuMs: runs[0]!.toFixed(0),
    gcsPerLoad: (gcs / 7).toFixed(1),
    gcMsPerLoad: (gcMs / 7).toFixed(0),
  }),
);
