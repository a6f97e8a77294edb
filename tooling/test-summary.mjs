// Prints one closing line summing every package's vitest JSON report: "Summary: N passed, N failed".
// Reports are turbo outputs (<package>/.test-report/vitest.json), so cached runs count too. A package
// whose report is missing fails the summary: its tests did not run.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const group of ["apps", "packages", "tooling"]) {
  for (const name of readdirSync(join(root, group))) {
    const dir = join(root, group, name);
    const pkgFile = join(dir, "package.json");
    if (!existsSync(pkgFile) || !JSON.parse(readFileSync(pkgFile, "utf8")).scripts?.test) continue;
    const file = join(dir, ".test-report", "vitest.json");
    if (!existsSync(file)) {
      missing.push(`${group}/${name}`);
      continue;
    }
    const report = JSON.parse(readFileSync(file, "utf8"));
    passed += report.numPassedTests ?? 0;
    failed += (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  }
}
if (missing.length > 0) {
  console.error(`no test report from ${missing.join(", ")}`);
  failed += missing.length;
}
console.log(`Summary: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0) process.exitCode = 1;
