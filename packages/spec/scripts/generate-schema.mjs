// Writes schema/immich-family.schema.json from the built package (run through `pnpm generate:schema`).
import { writeFileSync } from "node:fs";
import { SPEC_JSON_SCHEMA_FILE, specJsonSchemaText } from "../dist/index.js";

const file = new URL(`../schema/${SPEC_JSON_SCHEMA_FILE}`, import.meta.url);
writeFileSync(file, specJsonSchemaText());
process.stdout.write(`wrote schema/${SPEC_JSON_SCHEMA_FILE}\n`);
