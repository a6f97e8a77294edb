import { basename } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Shared vitest options. Tests resolve workspace packages to their TypeScript source through the
 * `@family/source` export condition, so nothing has to be built before `vitest run`.
 * With TEST_REPORT_DIR set (CI), each package also writes a JSON report there for the summary line.
 */
export function vitestConfig(overrides = {}) {
  const reportDir = process.env.TEST_REPORT_DIR;
  const reporting = reportDir
    ? { reporters: ["default", "json"], outputFile: { json: `${reportDir}/${basename(process.cwd())}.json` } }
    : {};
  return {
    resolve: { conditions: ["@family/source"] },
    ssr: { resolve: { conditions: ["@family/source"] } },
    test: {
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      setupFiles: [fileURLToPath(new URL("./setup.js", import.meta.url))],
      // Generous: these catch hangs, not slowness; CI runs every package at once on two cores.
      testTimeout: 60_000,
      hookTimeout: 60_000,
      ...reporting,
      ...overrides,
    },
  };
}
