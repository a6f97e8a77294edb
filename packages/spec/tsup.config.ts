import { base } from "@family/tsup-config";
import { defineConfig, type Options } from "tsup";

type Plugin = NonNullable<Options["esbuildPlugins"]>[number];

// zod and yaml are bundled: one file loads much faster than their hundreds of modules, and every
// CLI command starts by loading the spec. They stay dependencies for the published types.
// zod's 60-odd translations and its JSON Schema importer are never used here: left out of the
// bundle (messages are our own, in English). yaml's Node build is CommonJS; the banner gives its
// `require("process")` a real require. Whitespace and syntax are minified (names kept): less to parse.
const leaveOutOfZod: Plugin = {
  name: "leave-out-of-zod",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$|^\.\/from-json-schema\.js$/ }, (args) =>
      args.importer.includes("/zod/") ? { path: args.path, namespace: "zod-stub" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "zod-stub" }, (args) => ({
      contents: args.path.includes("from-json-schema") ? "export const fromJSONSchema = undefined;" : "export {};",
      loader: "js",
    }));
  },
};

export default defineConfig({
  ...base,
  entry: ["src/index.ts"],
  noExternal: ["zod", "yaml"],
  minifySyntax: true,
  minifyWhitespace: true,
  esbuildPlugins: [leaveOutOfZod],
  banner: { js: 'import { createRequire as __specRequire } from "node:module";\nconst require = __specRequire(import.meta.url);' },
});
