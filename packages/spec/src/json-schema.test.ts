import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { SPEC_JSON_SCHEMA_FILE, specJsonSchema, specJsonSchemaText } from "./json-schema.js";

const schemaFile = new URL(`../schema/${SPEC_JSON_SCHEMA_FILE}`, import.meta.url);
const examplesDir = new URL("../../../examples/", import.meta.url);
const examples = readdirSync(examplesDir).filter((f) => f.endsWith(".yaml"));

describe("the shipped JSON Schema", () => {
  // Regenerate with `pnpm --filter @family/immich-spec test -- -u` after changing the zod schema, and review the diff.
  it("is current with the zod schema", async () => {
    await expect(specJsonSchemaText()).toMatchFileSnapshot(`../schema/${SPEC_JSON_SCHEMA_FILE}`);
  });

  it("describes the input: defaults optional, unknown keys rejected", () => {
    const schema = specJsonSchema() as { required: string[]; additionalProperties: boolean; properties: Record<string, unknown> };
    expect(schema.required).toEqual(expect.arrayContaining(["apiVersion", "kind", "metadata", "immich", "hosts", "members", "targets"]));
    expect(schema.required).not.toContain("database");
    expect(schema.additionalProperties).toBe(false);
  });

  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, "utf8")));

  it.each(examples)("accepts examples/%s and its yaml-language-server line points at it", (file) => {
    const text = readFileSync(new URL(file, examplesDir), "utf8");
    const modeline = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text)?.[1];
    expect(modeline).toBeDefined();
    expect(fileURLToPath(new URL(modeline ?? "", new URL(file, examplesDir)))).toBe(fileURLToPath(schemaFile));
    expect(validate(parse(text)) ? [] : validate.errors).toEqual([]);
  });

  it("rejects what an editor should flag: an unknown key and a wrong enum", () => {
    const text = readFileSync(new URL("family.yaml", examplesDir), "utf8")
      .replace("hwaccel: vaapi", "hwaccel: cuda")
      .replace("kind: ImmichFamily", "kind: ImmichFamily\nkinds: x");
    expect(validate(parse(text))).toBe(false);
    expect(validate.errors?.map((e) => `${e.instancePath} ${e.message}`)).toEqual(
      expect.arrayContaining(["/targets/compose/hwaccel must be equal to one of the allowed values", " must NOT have additional properties"]),
    );
  });
});
