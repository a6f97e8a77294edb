// Runs poll-bench.ts built (see _bundle.mjs).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { benchDir, withBundle } from "./_bundle.mjs";

await withBundle("poll-bench", (file) => {
  // The heap flags the worker image sets (NODE_OPTIONS in the Dockerfile); --expose-gc only lets the
  // bench drop its own poller between phases. BENCH_NODE_FLAGS="" measures with node's defaults.
  const flags = (process.env.BENCH_NODE_FLAGS ?? "--max-old-space-size=96 --max-semi-space-size=2").split(" ").filter(Boolean);
  const r = spawnSync(process.execPath, [...flags, "--expose-gc", file], {
    stdio: "inherit",
    env: { ...process.env, BENCH_FAKE_SERVER: join(benchDir, "fake-server.ts"), BENCH_CWD: join(benchDir, "..") },
  });
  process.exitCode = r.status ?? 1;
});
