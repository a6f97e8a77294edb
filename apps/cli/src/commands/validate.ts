import { formatDiagnosticWithFrame, parseSpec, type SpecDiagnostic } from "@family/immich-spec";
import type { CommandMain } from "../_command.js";
import { readSpecSource, SpecTooLargeError } from "../_spec.js";

/** The outcome of `validate`: the file read, and its errors and warnings. */
export interface ValidateResult {
  readonly file: string;
  readonly ok: boolean;
  readonly errors: readonly SpecDiagnostic[];
  readonly warnings: readonly SpecDiagnostic[];
}

/** Validate the spec at `path` (default ./immich-family.yaml); throws only when it cannot be read. */
export async function validate(cwd: string, path: string | undefined): Promise<ValidateResult> {
  return (await validateWithSource(cwd, path)).result;
}

async function validateWithSource(cwd: string, path: string | undefined): Promise<{ result: ValidateResult; source: string }> {
  const { shown, source } = await readSpecSource(cwd, path);
  const parsed = parseSpec(source, shown);
  const result: ValidateResult = parsed.ok
    ? { file: shown, ok: true, errors: [], warnings: parsed.warnings }
    : { file: shown, ok: false, errors: parsed.errors, warnings: parsed.warnings };
  return { result, source };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** `Summary: <file> is valid, 0 errors, 1 warning` — one line for people and CI logs alike. */
export function summaryLine(result: ValidateResult): string {
  return `Summary: ${result.file} ${result.ok ? "is valid" : "is invalid"}, ${plural(result.errors.length, "error")}, ${plural(result.warnings.length, "warning")}`;
}

export const main: CommandMain = async ({ cwd, io }, [path], flags) => {
  const output = flags.output ?? "text";
  if (output === "json") {
    // Also a spec refused for its size before parsing is a result, so a script always gets JSON.
    const result = await validateWithSource(cwd, path).then(
      (r) => r.result,
      (error: unknown) => {
        if (!(error instanceof SpecTooLargeError)) throw error;
        return { file: error.diagnostic.file, ok: false, errors: [error.diagnostic], warnings: [] } satisfies ValidateResult;
      },
    );
    io.stdout(JSON.stringify(result, null, 2));
    return result.ok ? 0 : 2;
  }
  const { result, source } = await validateWithSource(cwd, path);
  for (const d of [...result.errors, ...result.warnings]) io.stderr(`${formatDiagnosticWithFrame(d, source)}\n`);
  io.stdout(summaryLine(result));
  return result.ok ? 0 : 2;
};
