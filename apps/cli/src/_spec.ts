import { access } from "node:fs/promises";
import { resolve } from "node:path";
import { formatDiagnostic, type ImmichFamilySpec, loadSpecFile, type SpecDiagnostic } from "@family/immich-spec";
import { CliError } from "./_errors.js";

export const DEFAULT_SPEC = "immich-family.yaml";

export interface LoadedSpec {
  readonly file: string;
  readonly spec: ImmichFamilySpec;
  readonly warnings: readonly SpecDiagnostic[];
}

/** Load the spec at `path` (default ./immich-family.yaml) or throw a CliError that says what to do. */
export async function loadSpecOrThrow(cwd: string, path: string | undefined): Promise<LoadedSpec> {
  const file = resolve(cwd, path ?? DEFAULT_SPEC);
  try {
    await access(file);
  } catch {
    throw new CliError(
      "spec-missing",
      path === undefined
        ? `No spec at ./${DEFAULT_SPEC}. Run \`immich-family init\` to create one, or pass the spec's path.`
        : `No spec at ${path}. Check the path, or run \`immich-family init ${path}\` to create one.`,
    );
  }
  const result = await loadSpecFile(file);
  if (!result.ok) {
    throw new CliError("spec-invalid", `${path ?? DEFAULT_SPEC} is not a valid spec (${result.errors.length} error${result.errors.length === 1 ? "" : "s"})`, {
      details: result.errors.map(formatDiagnostic),
    });
  }
  return { file, spec: result.value, warnings: result.warnings };
}
