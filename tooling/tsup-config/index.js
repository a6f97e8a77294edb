import { createRequire } from "node:module";

/** Shared tsup options: every package spreads these and names its own entries. */
export const base = {
  format: ["esm"],
  platform: "node",
  target: "node20",
  dts: true,
  clean: true,
  sourcemap: true,
  splitting: true,
  treeshake: true,
};

/**
 * zod's 60-odd translations and its JSON Schema importer are never used by us (messages are our own,
 * in English): left out of bundles that include zod.
 */
export const leaveOutOfZod = {
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

/**
 * cdk8s ships its own copy of yaml (the same release as ours): every `yaml` import in a bundle, ours
 * and cdk8s's, resolves to one copy, yaml's Node (CommonJS) build.
 */
export function oneYaml(fromDir) {
  const entry = createRequire(`${fromDir}/`).resolve("yaml");
  return {
    name: "one-yaml",
    setup(build) {
      build.onResolve({ filter: /^yaml$/ }, () => ({ path: entry }));
    },
  };
}
