import { base } from "@family/tsup-config";
import { defineConfig } from "tsup";

export default defineConfig({
  ...base,
  entry: ["src/index.ts"],
  noExternal: ["yaml"],
  minifySyntax: true,
  minifyWhitespace: true,
  banner: { js: 'import { createRequire as __composeRequire } from "node:module";\nconst require = __composeRequire(import.meta.url);' },
});
