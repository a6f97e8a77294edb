import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { parse } from "yaml";
import { parseSpec } from "../loader.js";
import type { ImmichFamilySpec } from "../schema/spec.js";

// The strict schemas the package itself checks immich.config with (the faithful ones are in tooling/schemas).
const schemasDir = new URL("../../schema/immich-config/", import.meta.url);
const examplesDir = new URL("../../../../examples/", import.meta.url);

/** A validator of Immich's strict config schema for a major line (2020-12 draft, hence Ajv2020). */
export function configValidator(major: 2 | 3) {
  const schema = JSON.parse(readFileSync(new URL(`immich-config.v${major}.strict.schema.json`, schemasDir), "utf8"));
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  const validate = ajv.compile(schema);
  return (config: unknown) => (validate(config) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));
}

export function exampleText(name: string): string {
  return readFileSync(new URL(name, examplesDir), "utf8");
}

export function specFromText(text: string): ImmichFamilySpec {
  const result = parseSpec(text);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join("\n"));
  return result.value;
}

export function specFromObject(input: unknown): ImmichFamilySpec {
  return specFromText(JSON.stringify(input));
}

export function exampleSpec(name: string): ImmichFamilySpec {
  return specFromText(exampleText(name));
}

export function parseYaml(text: string): Record<string, unknown> {
  return parse(text) as Record<string, unknown>;
}
