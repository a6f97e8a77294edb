import { tmpdir } from "node:os";
import { join } from "node:path";
import { vitestConfig } from "@family/vitest-config";
import { defineConfig } from "vitest/config";

// The built CLI keeps a code cache; tests keep theirs out of the user's home.
export default defineConfig(vitestConfig({ env: { IMMICH_FAMILY_CACHE_DIR: join(tmpdir(), `immich-family-test-cache-${process.pid}`) } }));
