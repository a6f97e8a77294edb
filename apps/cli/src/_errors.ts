/** Why a command failed; decides the exit code. */
export type CliErrorCode =
  | "spec-missing"
  | "spec-invalid"
  | "bad-arguments"
  | "write-failed"
  | "server-unreachable"
  /** The server rejects an API key (401), or none is set: the user's move, not a retry's. */
  | "credentials"
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
  credentials: 2,
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

/** What to try next for an API failure whose message does not already say it. */
const API_HINTS: Readonly<Record<string, string>> = {
  network: "Is IMMICH_URL the server's address, and is the server up?",
  timeout: "The server did not answer in time: is it up, and not busy with a migration or a big job?",
  server: "The server failed to answer; its log (the immich-server container or pod) says why.",
  "rate-limit": "The server, or a proxy in front of it, asks to slow down: try again in a while.",
};

/**
 * The one place where an error from a library becomes a CliError: the worker package's `ImmichApiError`
 * (a server's answer, with the server's message), `CredentialsError` and `WorkerSetupError` (something the
 * user must set), and cac's argument errors. Matched by name and shape, like {@link isCliError}, so the
 * entry does not load the worker package. `undefined` for anything else: a bug, shown as an internal error.
 */
export function toCliError(error: unknown): CliError | undefined {
  if (isCliError(error)) return error;
  if (!(error instanceof Error)) return undefined;
  switch (error.name) {
    case "ImmichApiError": {
      const kind = (error as Error & { kind?: unknown }).kind;
      if (kind === "auth") return new CliError("credentials", error.message, { cause: error });
      const hint = typeof kind === "string" ? API_HINTS[kind] : undefined;
      return new CliError(kind === "network" || kind === "timeout" ? "server-unreachable" : "server-error", error.message, {
        cause: error,
        details: hint ? [`hint: ${hint}`] : [],
      });
    }
    case "CredentialsError":
    case "BootstrapError":
      return new CliError("bad-arguments", error.message, { cause: error });
    case "WorkerSetupError": {
      const details = (error as Error & { details?: unknown }).details;
      return new CliError("bad-arguments", error.message, { cause: error, details: Array.isArray(details) ? details.map(String) : [] });
    }
    case "CACError":
      return new CliError("bad-arguments", `${error.message}. Run \`immich-family --help\`.`, { cause: error });
    default:
      return undefined;
  }
}
