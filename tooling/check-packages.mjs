// Checks each publishable package as it would be published: publint (package.json, files, exports)
// and arethetypeswrong (types and runtime resolve alike from ESM, CommonJS and bundlers).
// The libraries are dual ESM + CommonJS; the CLI package is ESM only (its API is for ESM users).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const packages = [
  // node10 (no `exports`) cannot reach the ./schema.json subpath; "." works there through `main`.
  { dir: "packages/spec", attw: ["--profile", "node16"] },
  { dir: "packages/k8s", attw: [] },
  { dir: "packages/compose", attw: [] },
  { dir: "packages/worker", attw: [] },
  { dir: "apps/cli", attw: ["--profile", "esm-only"] },
];
let failed = 0;
for (const { dir, attw } of packages) {
  for (const [tool, args] of [
    ["publint", ["--strict"]],
    ["attw", ["--pack", ".", "--format", "table-flipped", ...attw]],
  ]) {
    const r = spawnSync("pnpm", ["exec", tool, ...args], { cwd: `${root}${dir}`, stdio: "inherit" });
    if (r.status !== 0) {
      console.error(`${dir}: ${tool} failed (exit ${r.status})`);
      failed++;
    }
  }
}
process.exit(failed > 0 ? 1 : 0);
