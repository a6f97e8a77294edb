// Cold start of the built CLI against bare `node -e ""`, same machine, same run, interleaved.
// Usage: pnpm bench (or node bench/cli-bench.mjs; BENCH_ITERATIONS=n to change the sample size).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const cli = join(root, "apps/cli/dist/cli.cjs");
const examples = readdirSync(join(root, "examples"))
  .filter((f) => f.endsWith(".yaml"))
  .sort();
const iterations = Number(process.env.BENCH_ITERATIONS ?? 40);
const out = mkdtempSync(join(tmpdir(), "immich-family-bench-"));
// The bench's own code cache, seeded by the first (untimed) run of each command.
const codeCache = join(out, "code-cache");
// Each child reports its own CPU time at exit: a second view that I/O waits and a busy machine distort less.
const cpuProbe = join(out, "cpu-probe.cjs");
writeFileSync(cpuProbe, 'process.on("exit",()=>{const u=process.cpuUsage();require("fs").writeSync(2,`\\nbench-cpu-us ${u.user+u.system}\\n`)});\n');

const cases = [
  { name: 'node -e ""', args: ["-e", ""], target: undefined },
  // Targets: validate within 2x and render within 3.5x of bare node, with the code cache warm.
  ...examples.map((f) => ({ name: `validate examples/${f}`, args: [cli, "validate", `examples/${f}`], target: 2 })),
  { name: "render examples/family.yaml (both targets)", args: [cli, "render", "examples/family.yaml", "--out", join(out, "both")], target: 3.5 },
  {
    name: "render examples/family.yaml --target kubernetes",
    args: [cli, "render", "examples/family.yaml", "--target", "kubernetes", "--out", join(out, "k8s")],
    target: 3.5,
  },
  {
    name: "render examples/family.yaml --target compose",
    args: [cli, "render", "examples/family.yaml", "--target", "compose", "--out", join(out, "compose")],
    target: 3.5,
  },
  // A first run, before any code cache exists (or with a read-only cache folder): looser targets.
  {
    name: "validate examples/family.yaml, no code cache",
    args: [cli, "validate", "examples/family.yaml"],
    target: 4,
    env: { IMMICH_FAMILY_NO_CODE_CACHE: "1" },
  },
  {
    name: "render examples/family.yaml, no code cache",
    args: [cli, "render", "examples/family.yaml", "--out", join(out, "first")],
    target: 6,
    env: { IMMICH_FAMILY_NO_CODE_CACHE: "1" },
  },
];

const once = ({ args, env }) => {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["-r", cpuProbe, ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, IMMICH_FAMILY_CACHE_DIR: codeCache, ...env },
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = Number(/bench-cpu-us (\d+)/.exec(r.stderr)?.[1] ?? Number.NaN) / 1000;
  return { ms, cpu, status: r.status, stderr: r.stderr.replace(/\s*bench-cpu-us \d+\s*$/, "") };
};

// A command that fails (e.g. a renderer still being written) is reported, not timed.
for (const c of cases) {
  const r = once(c);
  c.times = [];
  c.cpu = [];
  if (r.status !== 0) c.unavailable = `not available (exit ${r.status}: ${(r.stderr.trim().split("\n")[0] ?? "").slice(0, 90)})`;
}
for (let i = 0; i < iterations; i++) {
  for (const c of cases) {
    if (c.unavailable) continue;
    const r = once(c);
    c.times.push(r.ms);
    c.cpu.push(r.cpu);
  }
}
rmSync(out, { recursive: true, force: true });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const base = median(cases[0].times);
const baseCpu = median(cases[0].cpu);
const width = Math.max(...cases.map((c) => c.name.length));
process.stdout.write(
  `cold start, median of ${iterations} runs each, node ${process.version} on ${process.platform}-${process.arch}; wall time (ratio) and CPU time (ratio)\n`,
);
let over = 0;
for (const c of cases) {
  if (c.unavailable) {
    process.stdout.write(`${c.name.padEnd(width)}  ${c.unavailable}\n`);
    continue;
  }
  const m = median(c.times);
  const ratio = m / base;
  const verdict = c.target === undefined ? "" : ratio <= c.target ? `  ok (target <= ${c.target}x)` : `  OVER target ${c.target}x`;
  if (c.target !== undefined && ratio > c.target) over++;
  const cpu = median(c.cpu);
  const cpuText = `${cpu.toFixed(1).padStart(7)} ms cpu ${(cpu / baseCpu).toFixed(2).padStart(5)}x`;
  process.stdout.write(`${c.name.padEnd(width)}  ${m.toFixed(1).padStart(7)} ms  ${ratio.toFixed(2).padStart(5)}x  ${cpuText}${verdict}\n`);
}
process.stdout.write(
  `Summary: ${cases.filter((c) => c.target !== undefined && !c.unavailable).length - over} within target, ${over} over, ${cases.filter((c) => c.unavailable).length} not available\n`,
);
