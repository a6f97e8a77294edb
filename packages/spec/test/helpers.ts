import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { parse } from "yaml";
import { formatDiagnostic, type ImmichFamilySpec, parseSpec } from "../src/index.js";

/** A small valid spec declaring both targets; tests derive broken ones from it. */
export const BASE_SPEC = readFileSync(new URL("./base.yaml", import.meta.url), "utf8");

/** `text` with `from` replaced by `to`; throws when `from` is absent so a stale edit cannot pass silently. */
export function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`edit: ${JSON.stringify(from)} not found`);
  return text.replace(from, () => to);
}

/** Every diagnostic (errors, then warnings) of `text`, one line each. */
export function diagnose(text: string, file = "spec.yaml"): string[] {
  const result = parseSpec(text, file);
  return [...(result.ok ? [] : result.errors), ...result.warnings].map(formatDiagnostic);
}

const schemasDir = new URL("../../../tooling/schemas/immich-config/", import.meta.url);
const examplesDir = new URL("../../../examples/", import.meta.url);

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
