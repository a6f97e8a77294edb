import { readFileSync } from "node:fs";
import { parseSpec } from "@family/immich-spec";
import { specBuilder } from "@family/test-kit";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

export const COMPOSE_SCHEMA = new URL("../../../tooling/schemas/compose-spec/compose-spec.json", import.meta.url);

export { type Draft, exampleFiles, exampleInput } from "@family/test-kit";
export const { exampleSpec, specFromInput, specWith } = specBuilder(parseSpec);

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
