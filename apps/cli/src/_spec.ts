import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { formatDiagnosticWithFrame, type ImmichFamilySpec, parseSpec, type SpecDiagnostic } from "@family/immich-spec";
import { CliError } from "./_errors.js";

export const DEFAULT_SPEC = "immich-family.yaml";

export interface LoadedSpec {
  readonly file: string;
  readonly spec: ImmichFamilySpec;
  readonly warnings: readonly SpecDiagnostic[];
  /** The spec's text, for code frames. */
  readonly source: string;
}

/** Read the spec's text; a missing file says how to create one. `shown` is the path as the user gave it. */
export async function readSpecSource(cwd: string, path: string | undefined): Promise<{ file: string; shown: string; source: string }> {
  const shown = path ?? DEFAULT_SPEC;
  const file = resolve(cwd, shown);
  try {
    return { file, shown, source: await readFile(file, "utf8") };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new CliError(
        "spec-missing",
        path === undefined
          ? `No spec at ./${DEFAULT_SPEC}. Run \`immich-family init\` to create one, or pass the spec's path.`
          : `No spec at ${path}. Check the path, or run \`immich-family init ${path}\` to create one.`,
      );
    }
    if (code === "EISDIR") throw new CliError("bad-arguments", `${shown} is a folder; pass the spec file inside it.`);
    throw new CliError("spec-invalid", `Cannot read ${shown}: ${(error as Error).message}`, { cause: error });
  }
}

/** Load the spec at `path` (default ./immich-family.yaml) or throw a CliError with every problem, code frames included. */
export async function loadSpecOrThrow(cwd: string, path: string | undefined): Promise<LoadedSpec> {
  const { file, shown, source } = await readSpecSource(cwd, path);
  const result = parseSpec(source, shown);
  if (!result.ok) {
    const n = result.errors.length;
    throw new CliError("spec-invalid", `${shown} is not a valid spec (${n} error${n === 1 ? "" : "s"}); run \`immich-family validate ${shown}\` after fixing it`, {
      details: result.errors.map((d) => formatDiagnosticWithFrame(d, source)),
    });
  }
  return { file, spec: result.value, warnings: result.warnings, source };
}
