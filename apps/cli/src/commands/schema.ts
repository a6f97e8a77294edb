import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { escapeControl } from "@family/immich-spec/facts";
import type { CommandMain } from "../_command.js";
import { CliError } from "../_errors.js";
import { writeFileAtomically } from "../_write.js";

/** The JSON Schema of the spec, as shipped in `@family/immich-spec` (`schema/immich-family.schema.json`). */
export async function specSchemaText(): Promise<string> {
  const file = createRequire(import.meta.url).resolve("@family/immich-spec/schema.json");
  return readFile(file, "utf8");
}

/** Print the schema, or write it to `out` (relative to `cwd`) in one step. */
export async function schema(cwd: string, out: string | undefined): Promise<{ text: string; file?: string }> {
  const text = await specSchemaText();
  if (out === undefined) return { text };
  const file = resolve(cwd, out);
  await writeFileAtomically(file, text);
  return { text, file: out };
}

export const main: CommandMain = async ({ cwd, io }, _args, flags) => {
  if (flags.out === true || flags.out === "") throw new CliError("bad-arguments", "--out needs a file name, e.g. --out immich-family.schema.json");
  const result = await schema(cwd, flags.out === undefined ? undefined : String(flags.out));
  if (result.file === undefined) io.stdout(result.text);
  else {
    const shown = escapeControl(result.file);
    io.stdout(`wrote ${shown}; point your editor at it with a first line \`# yaml-language-server: $schema=${shown}\``);
  }
  return 0;
};
