import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatDiagnostic, loadSpecFile } from "./index.js";

const examplesDir = fileURLToPath(new URL("../../../examples/", import.meta.url));

describe("bundled examples", () => {
  const files = readdirSync(examplesDir).filter((f) => f.endsWith(".yaml"));
  it("has the three examples", () => {
    expect(files.sort()).toEqual(["family.yaml", "ponder.yaml", "truenas.yaml"]);
  });
  it.each(files)("%s validates", async (file) => {
    const result = await loadSpecFile(`${examplesDir}${file}`);
    expect(result.ok ? [] : result.errors.map(formatDiagnostic)).toEqual([]);
  });
});
