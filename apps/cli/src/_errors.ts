/** Why a command failed; decides the exit code. */
export type CliErrorCode =
  | "spec-missing"
  | "spec-invalid"
  | "bad-arguments"
  | "write-failed"
  | "server-unreachable"
  | "server-error"
  | "check-failed"
  /** A render would overwrite or remove what it does not own (an edited file, a folder it did not write). */
  | "conflict"
  | "internal";

const EXIT: Record<CliErrorCode, 1 | 2> = {
  "spec-missing": 2,
  "spec-invalid": 2,
  "bad-arguments": 2,
  "write-failed": 1,
  "server-unreachable": 1,
  "server-error": 1,
  "check-failed": 1,
  conflict: 1,
  internal: 1,
};

/**
 * Exit code of a run that did everything it could but left some albums untouched because of a bad
 * `.albumprops` file (or rename rules that leave an empty name): not a failure, not a clean run either.
 */
export const EXIT_ALBUMS_SKIPPED = 3;

/** A failure the user can act on. Only the entry point turns it into an exit code. */
export class CliError extends Error {
  override readonly name = "CliError";
  readonly exitCode: 1 | 2;
  constructor(
    readonly code: CliErrorCode,
    message: string,
    options?: { cause?: unknown; details?: readonly string[] },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = EXIT[code];
    this.details = options?.details ?? [];
  }
  readonly details: readonly string[];
}

/**
 * Whether `error` is a CliError. By shape, not `instanceof`: the code-cached command bundles carry
 * their own copy of the class.
 */
export function isCliError(error: unknown): error is CliError {
  return error instanceof Error && error.name === "CliError" && "exitCode" in error && "details" in error;
}
