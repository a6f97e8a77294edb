import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { base } from "@family/tsup-config";
import { defineConfig, type Options } from "tsup";

type Plugin = NonNullable<Options["esbuildPlugins"]>[number];

/**
 * Commands the entry imports as ESM modules on demand (dist/commands/<name>.js, stable names): every
 * file of src/commands but its tests and `_` internals, so registering a command in src/cli.ts and
 * adding its file is all it takes.
 */
const commands = readdirSync(fileURLToPath(new URL("src/commands", import.meta.url)))
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.startsWith("_"))
  .map((f) => f.slice(0, -".ts".length));

/**
 * A plugin that fails the build when one of its stand-ins matched nothing: a dependency that moved a
 * file would otherwise quietly bring back the code the stand-in keeps out of the cold-start bundles.
 */
function mustMatch(name: string, paths: readonly string[], setup: (build: Parameters<Plugin["setup"]>[0], matched: (path: string) => void) => void): Plugin {
  return {
    name,
    setup(build) {
      const seen = new Set<string>();
      setup(build, (path) => seen.add(path));
      build.onEnd(() => {
        const missing = paths.filter((p) => !seen.has(p));
        if (missing.length > 0) throw new Error(`${name}: nothing imports ${missing.join(", ")} any more; update the stand-in in tsup.config.ts`);
      });
    },
  };
}

/**
 * zod's 60-odd translations and its JSON Schema importer are never used by us (messages are our own,
 * in English): left out of the cold-start bundles.
 */
const ZOD_LEFT_OUT = ["../locales/index.js", "./from-json-schema.js"] as const;
const leaveOutOfZod = mustMatch("leave-out-of-zod", ZOD_LEFT_OUT, (build, matched) => {
  build.onResolve({ filter: /^\.\.\/locales\/index\.js$|^\.\/from-json-schema\.js$/ }, (args) => {
    if (!args.importer.includes("/zod/")) return undefined;
    matched(args.path);
    return { path: args.path, namespace: "zod-stub" };
  });
  build.onLoad({ filter: /.*/, namespace: "zod-stub" }, (args) => ({
    contents: args.path.includes("from-json-schema") ? "export const fromJSONSchema = undefined;" : "export {};",
    loader: "js",
  }));
});

/**
 * ajv compiles the Immich config schema only for a spec with an `immich.config`: the cold-start
 * bundles load ajv and ajv-formats on that first use, not on every start (≈2% of a `validate`). The
 * stand-ins `require` the real modules by absolute path, which this plugin's filter does not match.
 */
function ajvOnFirstUse(fromDir: string): Plugin {
  const resolve = createRequire(`${fromDir}/`).resolve;
  const real = { "ajv/dist/2020.js": resolve("ajv/dist/2020.js"), "ajv-formats": resolve("ajv-formats") };
  const standIns: Record<keyof typeof real, string> = {
    "ajv/dist/2020.js": `export class Ajv2020 { constructor(...args) { const { Ajv2020: Real } = require(${JSON.stringify(real["ajv/dist/2020.js"])}); return new Real(...args); } }`,
    "ajv-formats": `export default function addFormats(...args) { return require(${JSON.stringify(real["ajv-formats"])})(...args); }`,
  };
  return mustMatch("ajv-on-first-use", Object.keys(real), (build, matched) => {
    build.onResolve({ filter: /^ajv\/dist\/2020\.js$|^ajv-formats$/ }, (args) => {
      matched(args.path);
      return { path: args.path, namespace: "ajv-stand-in" };
    });
    // A module of a virtual namespace resolves its own imports only with a resolveDir.
    build.onLoad({ filter: /.*/, namespace: "ajv-stand-in" }, (args) => ({
      contents: standIns[args.path as keyof typeof real],
      loader: "js",
      resolveDir: fromDir,
    }));
  });
}

/** cdk8s ships its own copy of yaml (the same release as ours): every `yaml` import resolves to one copy. */
function oneYaml(fromDir: string): Plugin {
  const entry = createRequire(`${fromDir}/`).resolve("yaml");
  return { name: "one-yaml", setup: (build) => build.onResolve({ filter: /^yaml$/ }, () => ({ path: entry })) };
}

// The build script empties dist first: configs cleaning it in parallel would race.
export default defineConfig([
  { ...base, format: ["esm"], clean: false, entry: ["src/index.ts"] },
  {
    ...base,
    format: ["esm"],
    clean: false,
    dts: false,
    splitting: true,
    entry: Object.fromEntries(commands.map((c) => [`commands/${c}`, `src/commands/${c}.ts`])),
  },
  // The bin: one small CommonJS file (argument parsing and dispatch, cac inlined), so every start
  // skips Node's ESM loader. The commands stay separate and load on demand.
  {
    entry: { cli: "src/cli.ts" },
    format: ["cjs"],
    outExtension: () => ({ js: ".cjs" }),
    platform: "node",
    target: "node20",
    bundle: true,
    // cac and the zod-free facts entry (the worker port default) are inlined: no module lookups at start.
    noExternal: ["cac", "@family/immich-spec/facts"],
    external: [/^\.\/commands\//],
    shims: true,
    splitting: false,
    dts: false,
    clean: false,
    sourcemap: false,
  },
  // Cold start, in this package only: `validate` and `render` also build as self-contained CommonJS
  // files (the libraries' published dist and their dependencies inlined, minified) that the bin runs
  // through a V8 code cache (src/_cached.ts, documented in README.md); ESM cannot use one on Node 20.
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
    esbuildPlugins: [
      leaveOutOfZod,
      oneYaml(fileURLToPath(new URL("../../packages/k8s", import.meta.url))),
      ajvOnFirstUse(fileURLToPath(new URL("../../packages/spec", import.meta.url))),
    ],
  },
]);
