import { readdirSync, readFileSync } from "node:fs";
import { type ImmichFamilySpec, type ImmichFamilySpecInput, parseSpec } from "@family/immich-spec";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
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

let validate: ValidateFunction | undefined;

/** The compose-spec validator (the schema is draft-07: Ajv's default class). */
export function composeSchemaErrors(doc: unknown): string[] {
  if (!validate) {
    const schema = JSON.parse(readFileSync(COMPOSE_SCHEMA, "utf8")) as Record<string, unknown>;
    // The file names the draft-07 meta-schema by an https URL Ajv does not register; it is draft-07 all the same.
    const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
    addFormats.default(ajv);
    validate = ajv.compile(schema);
  }
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
}
