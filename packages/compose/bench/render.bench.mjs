// In-process render time of examples/family.yaml to the Compose folder (built package, warm).
// Run with `pnpm bench` (turbo builds first) or `pnpm --filter @family/immich-compose bench`.
import { readFileSync } from "node:fs";
import { parseSpec } from "@family/immich-spec";
import { Bench } from "tinybench";
import { buildComposeFile, renderCompose, serializeCompose } from "../dist/index.js";

const text = readFileSync(new URL("../../../examples/family.yaml", import.meta.url), "utf8");
const parsed = parseSpec(text, "examples/family.yaml");
if (!parsed.ok) throw new Error("examples/family.yaml is invalid");
const spec = parsed.value;

const bench = new Bench({ time: 1000, warmup: true });
bench
  .add("compose: parse + render examples/family.yaml", () => {
    const r = parseSpec(text, "examples/family.yaml");
    if (r.ok) renderCompose(r.value);
  })
  .add("compose: render examples/family.yaml (spec parsed)", () => {
    renderCompose(spec);
  })
  .add("compose: build + serialize compose.yaml only", () => {
    serializeCompose(buildComposeFile(spec));
  });
await bench.run();
console.table(
  bench.tasks.map((t) => ({
    task: t.name,
    "mean (ms)": Number(t.result?.latency?.mean?.toFixed(3) ?? Number.NaN),
    "p50 (ms)": Number(t.result?.latency?.p50?.toFixed(3) ?? Number.NaN),
    "p99 (ms)": Number(t.result?.latency?.p99?.toFixed(3) ?? Number.NaN),
    "ops/s": Math.round(t.result?.throughput?.mean ?? 0),
  })),
);
