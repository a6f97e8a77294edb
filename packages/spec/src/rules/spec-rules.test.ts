import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BASE_SPEC } from "../../test/helpers.js";
import { parseSpec } from "../loader.js";
import type { ImmichFamilySpec } from "../schema/spec.js";
import { specRules } from "./spec-rules.js";

const examples = new URL("../../../../examples/", import.meta.url);
const specs = [BASE_SPEC, ...readdirSync(examples).filter((f) => f.endsWith(".yaml")).map((f) => readFileSync(new URL(f, examples), "utf8"))].map((text) => {
  const result = parseSpec(text);
  if (!result.ok) throw new Error("a fixture spec does not validate");
  return result.value;
});

/** The spec as a rule may see it: reading a section it does not declare throws. */
const onlySections = (spec: ImmichFamilySpec, needs: readonly string[]) =>
  new Proxy(spec, {
    get(target, key, receiver) {
      if (typeof key === "string" && !needs.includes(key)) throw new Error(`reads ${key}, which it does not declare in needs`);
      return Reflect.get(target, key, receiver);
    },
  });

describe("specRules", () => {
  it("runs every rule file in this folder, each once, under its file's name", () => {
    const files = readdirSync(new URL(".", import.meta.url)).filter((f) => f.endsWith(".ts") && !f.startsWith("_") && !f.endsWith(".test.ts") && f !== "index.ts" && f !== "spec-rules.ts");
    expect(specRules.map((r) => `${r.name}.ts`).sort()).toEqual(files.sort());
  });

  it.each(specRules.filter((r) => r.needs.length > 0).map((r) => [r.name, r] as const))("%s reads only the sections it needs", (_, rule) => {
    for (const spec of specs) expect(() => rule.check(onlySections(spec, rule.needs))).not.toThrow();
  });

  it.each(specRules.filter((r) => r.needs.length === 0).map((r) => [r.name, r] as const))("%s, which needs no section, runs on any subset of them", (_, rule) => {
    for (const spec of specs) {
      for (const key of Object.keys(spec)) {
        const { [key]: _dropped, ...rest } = spec as Record<string, unknown>;
        expect(() => rule.check(rest as unknown as ImmichFamilySpec)).not.toThrow();
      }
    }
  });
});
