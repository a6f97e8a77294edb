import { fileURLToPath } from "node:url";
import { base, oneYaml } from "@family/tsup-config";
import { defineConfig } from "tsup";

// cdk8s, constructs and yaml are bundled: one file loads far faster than cdk8s's hundreds of CommonJS
// modules, and `render` is a cold CLI call. Names are kept; whitespace and syntax are minified (less
// to parse). The banner gives bundled CommonJS code a real `require`.
export default defineConfig({
  ...base,
  entry: ["src/index.ts"],
  noExternal: ["cdk8s", "constructs", "yaml"],
  minifySyntax: true,
  minifyWhitespace: true,
  esbuildPlugins: [oneYaml(fileURLToPath(new URL(".", import.meta.url)))],
  banner: { js: 'import { createRequire as __k8sRequire } from "node:module";\nconst require = __k8sRequire(import.meta.url);' },
});
