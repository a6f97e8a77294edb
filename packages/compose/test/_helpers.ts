import { readFileSync, readdirSync } from "node:fs";
import { type ImmichFamilySpec, type ImmichFamilySpecInput, parseSpec } from "@family/immich-spec";
import { parse } from "yaml";

export const EXAMPLES_DIR = new URL("../../../examples/", import.meta.url);
export const COMPOSE_SCHEMA = new URL("../../../tooling/schemas/compose-spec/compose-spec.json", import.meta.url);

export function loadExample(name: string): ImmichFamilySpec {
  const file = new URL(name, EXAMPLES_DIR);
  const result = parseSpec(readFileSync(file, "utf8"), `examples/${name}`);
  if (!result.ok) throw new Error(`examples/${name} is invalid: ${JSON.stringify(result.errors)}`);
  return result.value;
}

export function exampleNames(): string[] {
  return readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith(".yaml")).sort();
}

/** The example's source, as the user wrote it, for variations: change one fact, parse, render. */
export function exampleInput(name: string): ImmichFamilySpecInput {
  return parse(readFileSync(new URL(name, EXAMPLES_DIR), "utf8")) as ImmichFamilySpecInput;
}

export function parseInput(input: unknown): ImmichFamilySpec {
  const result = parseSpec(JSON.stringify(input), "variant.yaml");
  if (!result.ok) throw new Error(`variant is invalid: ${JSON.stringify(result.errors)}`);
  return result.value;
}

/** A spec as written, edited freely by a test before it is parsed (and validated) again. */
// biome-ignore lint/suspicious/noExplicitAny: variants reach into any field of the written spec
export type Draft = Record<string, any>;

/** Deep clone then mutate, so each variant starts from the untouched example. */
export function variant(name: string, mutate: (input: Draft) => void): ImmichFamilySpec {
  const input = structuredClone(exampleInput(name)) as Draft;
  mutate(input);
  return parseInput(input);
}
