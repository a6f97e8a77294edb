import { fileURLToPath } from "node:url";
import { base, leaveOutOfZod, oneYaml } from "@family/tsup-config";
import { defineConfig } from "tsup";

export default defineConfig([
  // The build script empties dist first: two configs cleaning it in parallel would race.
  { ...base, clean: false, entry: ["src/index.ts", "src/cli.ts"] },
  // The cold-start-sensitive commands, each one self-contained CommonJS file built from the workspace
  // sources: the CLI runs them through a V8 code cache (src/_cached.ts), which ESM cannot use on Node 20.
  {
    entry: { "cached/validate": "src/commands/validate.ts", "cached/render": "src/commands/render.ts" },
    format: ["cjs"],
    outExtension: () => ({ js: ".cjs" }),
    platform: "node",
    target: "node20",
    bundle: true,
    noExternal: [/.*/],
    splitting: false,
    dts: false,
    clean: false,
    sourcemap: false,
    minifySyntax: true,
    minifyWhitespace: true,
    esbuildPlugins: [leaveOutOfZod, oneYaml(fileURLToPath(new URL("../../packages/k8s", import.meta.url)))],
    esbuildOptions(options) {
      options.conditions = ["@family/source"];
    },
  },
]);
