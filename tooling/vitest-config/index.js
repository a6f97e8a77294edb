import { fileURLToPath } from "node:url";

/**
 * Shared vitest options. Tests resolve workspace packages to their TypeScript source through the
 * `@family/source` export condition, so nothing has to be built before `vitest run`.
 * Each run also writes a JSON report to `.test-report/vitest.json`, a turbo output: a run replayed
 * from the cache restores it, so CI's summary line (tooling/test-summary.mjs) counts every test.
 */
export function vitestConfig(overrides = {}) {
  return {
    resolve: { conditions: ["@family/source"] },
    ssr: { resolve: { conditions: ["@family/source"] } },
    test: {
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      setupFiles: [fileURLToPath(new URL("./setup.js", import.meta.url))],
      // Generous: these catch hangs, not slowness; CI runs every package at once on two cores.
      testTimeout: 60_000,
      hookTimeout: 60_000,
      reporters: ["default", "json"],
      outputFile: { json: ".test-report/vitest.json" },
      ...overrides,
    },
  };
}
