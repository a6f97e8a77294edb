import { fileURLToPath } from "node:url";
import { base, leaveOutOfZod, oneYaml } from "@family/tsup-config";
import { defineConfig } from "tsup";

/** Commands the entry imports as ESM modules on demand (dist/commands/<name>.js, stable names). */
const commands = ["init", "validate", "schema", "render", "diff", "config", "oauth", "secrets", "scan", "albums", "worker", "doctor", "upgrade", "import"];

// The build script empties dist first: configs cleaning it in parallel would race.
export default defineConfig([
  { ...base, clean: false, entry: ["src/index.ts"] },
  { ...base, clean: false, dts: false, entry: Object.fromEntries(commands.map((c) => [`commands/${c}`, `src/commands/${c}.ts`])) },
  // The bin: one small CommonJS file (argument parsing and dispatch, cac inlined), so every start
  // skips Node's ESM loader. The commands stay separate and load on demand.
  {
    entry: { cli: "src/cli.ts" },
    format: ["cjs"],
    outExtension: () => ({ js: ".cjs" }),
    platform: "node",
    target: "node20",
    bundle: true,
    noExternal: ["cac"],
    external: [/^\.\/commands\//],
    shims: true,
    splitting: false,
    dts: false,
    clean: false,
    sourcemap: false,
  },
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
