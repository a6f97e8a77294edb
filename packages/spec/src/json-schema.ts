import { z } from "zod";
import { API_VERSION, immichFamilySpec } from "./schema/spec.js";

/** The file name of the generated JSON Schema, shipped in the package as `schema/<name>`. */
export const SPEC_JSON_SCHEMA_FILE = "immich-family.schema.json";

/** The JSON Schema of the spec as written (defaults optional), generated from the zod schema. */
export function specJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(immichFamilySpec, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return { ...schema, title: `immich-family spec (${API_VERSION})` };
}

/** The schema file's exact text: two-space JSON and a final newline. */
export function specJsonSchemaText(): string {
  return `${JSON.stringify(specJsonSchema(), null, 2)}\n`;
}
