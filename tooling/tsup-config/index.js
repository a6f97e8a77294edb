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
