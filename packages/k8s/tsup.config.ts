import { createRequire } from "node:module";
import { base } from "@family/tsup-config";
import { defineConfig, type Options } from "tsup";

type Plugin = NonNullable<Options["esbuildPlugins"]>[number];

// cdk8s, constructs and yaml are bundled: one file loads far faster than cdk8s's hundreds of CommonJS
// modules, and `render` is a cold CLI call. cdk8s ships its own copy of yaml (the same release as
// ours): every `yaml` import, ours and cdk8s's, resolves to one copy. Names are kept; whitespace and
// syntax are minified (less to parse). The banner gives bundled CommonJS code a real `require`.
const yamlEntry = createRequire(import.meta.url).resolve("yaml");
const oneYaml: Plugin = {
  name: "one-yaml",
  setup(build) {
    build.onResolve({ filter: /^yaml$/ }, () => ({ path: yamlEntry }));
  },
};

export default defineConfig({
  ...base,
  entry: ["src/index.ts"],
  noExternal: ["cdk8s", "constructs", "yaml"],
  minifySyntax: true,
  minifyWhitespace: true,
  esbuildPlugins: [oneYaml],
  banner: { js: 'import { createRequire as __k8sRequire } from "node:module";\nconst require = __k8sRequire(import.meta.url);' },
});
