// Bundles poll-bench.ts (workspace sources included, npm packages external) and runs it with plain
// node, so the numbers are those of built code rather than of an on-the-fly TypeScript loader.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "tsup";

const here = fileURLToPath(new URL(".", import.meta.url));
const out = mkdtempSync(join(here, ".bench-build-"));
try {
  await build({
    entry: { "poll-bench": join(here, "poll-bench.ts") },
    outDir: out,
    format: ["esm"],
    platform: "node",
    target: "node20",
    bundle: true,
    splitting: false,
    silent: true,
    noExternal: [/^@family\//],
    esbuildOptions(options) {
      options.conditions = ["@family/source"];
    },
  });
  // The heap flags the worker image sets (NODE_OPTIONS in the Dockerfile); --expose-gc only lets the
  // bench drop its own poller between phases. BENCH_NODE_FLAGS="" measures with node's defaults.
  const flags = (process.env.BENCH_NODE_FLAGS ?? "--max-old-space-size=96 --max-semi-space-size=2").split(" ").filter(Boolean);
  const r = spawnSync(process.execPath, [...flags, "--expose-gc", join(out, "poll-bench.js")], {
    stdio: "inherit",
    env: { ...process.env, BENCH_FAKE_SERVER: join(here, "fake-server.ts"), BENCH_CWD: join(here, "..") },
  });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(out, { recursive: true, force: true });
}
