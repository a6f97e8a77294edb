// Bundles a bench entry (workspace sources included, npm packages external) for plain node, so the
// numbers are those of built code rather than of an on-the-fly TypeScript loader.
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "tsup";

const here = fileURLToPath(new URL(".", import.meta.url));

/** Bundle `bench/<name>.ts`; `run` gets the bundled file's path, and the bundle is removed afterwards. */
export async function withBundle(name, run) {
  const out = mkdtempSync(join(here, ".bench-build-"));
  try {
    await build({
      entry: { [name]: join(here, `${name}.ts`) },
      outDir: out,
      format: ["esm"],
      platform: "node",
      target: "node20",
      bundle: true,
      splitting: false,
      silent: true,
      noExternal: [/^@family\//],
      esbuildOptions(options) {
        options.conditions = ["@family/source"];
      },
    });
    return await run(join(out, `${name}.js`));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export const benchDir = here;
