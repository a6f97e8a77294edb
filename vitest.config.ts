import { defineConfig } from "vitest/config";

// `pnpm vitest` at the root runs every package's tests as one run; `pnpm test` goes through turbo.
export default defineConfig({ test: { projects: ["packages/*", "apps/*", "tooling/*"] } });
