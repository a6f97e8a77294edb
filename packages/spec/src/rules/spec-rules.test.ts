import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { specRules } from "./spec-rules.js";

describe("specRules", () => {
  it("runs every rule file in this folder, each once, under its file's name", () => {
    const files = readdirSync(new URL(".", import.meta.url)).filter((f) => f.endsWith(".ts") && !f.startsWith("_") && !f.endsWith(".test.ts") && f !== "index.ts" && f !== "spec-rules.ts");
    expect(specRules.map((r) => `${r.name}.ts`).sort()).toEqual(files.sort());
  });
});
