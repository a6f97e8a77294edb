import { base } from "@family/tsup-config";
import { defineConfig } from "tsup";

// The library in ESM and CommonJS; the `immich-family-worker` entry (bin/) in ESM only.
// The build script empties dist first: configs cleaning it in parallel would race.
export default defineConfig([
  { ...base, clean: false, entry: ["src/index.ts"] },
  { ...base, clean: false, format: ["esm"], dts: false, entry: ["src/main.ts"] },
]);
