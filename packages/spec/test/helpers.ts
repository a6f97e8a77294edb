import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { specBuilder } from "@family/test-kit";
import { parse } from "yaml";
import { formatDiagnostic, parseSpec } from "../src/index.js";

/** A small valid spec declaring both targets; tests derive broken ones from it. */
export const BASE_SPEC = readFileSync(new URL("./base.yaml", import.meta.url), "utf8");

export { edit } from "@family/test-kit";

/** Every diagnostic (errors, then warnings) of `text`, one line each. */
export function diagnose(text: string, file = "spec.yaml"): string[] {
  const result = parseSpec(text, file);
  return [...(result.ok ? [] : result.errors), ...result.warnings].map(formatDiagnostic);
}

// The strict schemas the package itself checks immich.config with (the faithful ones are in tooling/schemas).
const schemasDir = new URL("../schema/immich-config/", import.meta.url);

/** A validator of Immich's strict config schema for a major line (2020-12 draft, hence Ajv2020). */
export function configValidator(major: 2 | 3) {
  const schema = JSON.parse(readFileSync(new URL(`immich-config.v${major}.strict.schema.json`, schemasDir), "utf8"));
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  const validate = ajv.compile(schema);
  return (config: unknown) => (validate(config) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));
}

export { exampleText } from "@family/test-kit";
export const { exampleSpec, specFromInput, specFromText } = specBuilder(parseSpec);

export function parseYaml(text: string): Record<string, unknown> {
  return parse(text) as Record<string, unknown>;
}
