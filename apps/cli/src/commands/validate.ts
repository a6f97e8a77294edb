import { resolve } from "node:path";
import { formatDiagnostic, loadSpecFile, type SpecDiagnostic } from "@family/immich-spec";
import type { CommandMain } from "../_command.js";
import { CliError } from "../_errors.js";
import { DEFAULT_SPEC } from "../_spec.js";

export interface ValidateResult {
  readonly file: string;
  readonly ok: boolean;
  readonly errors: readonly SpecDiagnostic[];
  readonly warnings: readonly SpecDiagnostic[];
}

/** Validate the spec at `path`; never throws for an invalid spec, only for a missing one. */
export async function validate(cwd: string, path: string | undefined): Promise<ValidateResult> {
  const file = resolve(cwd, path ?? DEFAULT_SPEC);
  const shown = path ?? DEFAULT_SPEC;
  let result: Awaited<ReturnType<typeof loadSpecFile>>;
  try {
    result = await loadSpecFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new CliError("spec-missing", path === undefined ? `No spec at ./${DEFAULT_SPEC}. Run \`immich-family init\` to create one.` : `No spec at ${path}.`);
    }
    throw error;
  }
  const rel = (d: SpecDiagnostic) => ({ ...d, file: shown });
  return result.ok
    ? { file: shown, ok: true, errors: [], warnings: result.warnings.map(rel) }
    : { file: shown, ok: false, errors: result.errors.map(rel), warnings: result.warnings.map(rel) };
}

export const main: CommandMain = async ({ cwd, io }, [path], flags) => {
  const result = await validate(cwd, path);
  if (flags.output === "json") {
    io.stdout(JSON.stringify(result, null, 2));
  } else {
    for (const d of [...result.errors, ...result.warnings]) io.stderr(`${formatDiagnostic(d)}${d.severity === "warning" ? " (warning)" : ""}`);
    io.stdout(
      result.ok
        ? `${result.file}: valid${result.warnings.length ? ` (${result.warnings.length} warning${result.warnings.length === 1 ? "" : "s"})` : ""}`
        : `${result.file}: ${result.errors.length} error${result.errors.length === 1 ? "" : "s"}`,
    );
  }
  return result.ok ? 0 : 2;
};
