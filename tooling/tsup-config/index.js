/**
 * Shared tsup options: every library spreads these and names its own entries. Libraries publish
 * readable ESM and CommonJS (with .d.ts and .d.cts types) built from their own sources only: their
 * dependencies stay real `dependencies`, imported at run time, never bundled.
 */
export const base = {
  format: ["esm", "cjs"],
  platform: "node",
  target: "node20",
  dts: true,
  clean: true,
  sourcemap: true,
  splitting: false,
  treeshake: false,
};
