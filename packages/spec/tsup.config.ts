import { base, leaveOutOfZod } from "@family/tsup-config";
import { defineConfig } from "tsup";

// zod and yaml are bundled: one file loads much faster than their hundreds of modules, and every
// CLI command starts by loading the spec. They stay dependencies for the published types.
// yaml's Node build is CommonJS; the banner gives its `require("process")` a real require.
// Whitespace and syntax are minified (names kept): less to parse.
export default defineConfig({
  ...base,
  entry: ["src/index.ts"],
  noExternal: ["zod", "yaml"],
  minifySyntax: true,
  minifyWhitespace: true,
  esbuildPlugins: [leaveOutOfZod],
  banner: { js: 'import { createRequire as __specRequire } from "node:module";\nconst require = __specRequire(import.meta.url);' },
});
