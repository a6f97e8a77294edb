import { isHttpError, isMalformedResponseError } from "@immich/sdk";

/** Why an API call failed; `metrics` counts errors by this kind. */
export type ApiErrorKind = "rate-limit" | "server" | "timeout" | "network" | "auth" | "forbidden" | "bad-request" | "not-found" | "malformed";

/** A failed Immich API call, with what to do next in the message. */
export class ImmichApiError extends Error {
  override readonly name = "ImmichApiError";
  constructor(
    readonly kind: ApiErrorKind,
    readonly operation: string,
    message: string,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Worth retrying: the server or the network may recover. */
  get transient(): boolean {
    return this.kind === "rate-limit" || this.kind === "server" || this.kind === "timeout" || this.kind === "network";
  }
}

/** `path: message` of one v3 validation issue. */
function issueText(issue: unknown): string[] {
  if (!issue || typeof issue !== "object") return [];
  const { path, message } = issue as { path?: unknown; message?: unknown };
  if (typeof message !== "string") return [];
  return [Array.isArray(path) && path.length > 0 ? `${path.join(".")}: ${message}` : message];
}

/** The server's own words from an error body; calls with no response body in the SDK leave it as JSON text. */
function serverMessage(data: unknown): string | undefined {
  if (typeof data === "string") {
    try {
      return serverMessage(JSON.parse(data));
    } catch {
      return undefined;
    }
  }
  if (data && typeof data === "object" && "message" in data) {
    const { message: m, errors } = data as { message: unknown; errors?: unknown };
    // v3 names each field that failed validation in `errors` (`message` is only "Validation failed").
    const issues = Array.isArray(errors) ? errors.flatMap(issueText) : [];
    if (issues.length > 0) return `${typeof m === "string" ? m : "Validation failed"}: ${issues.join("; ")}`;
    if (Array.isArray(m)) return m.join("; ");
    if (typeof m === "string") return m;
  }
  return undefined;
}

/**
 * Turn whatever an SDK call threw into an ImmichApiError of a known kind. `keyName` says where the key
 * came from (an env var's name or a key file), so that a rejected key (401) names what to fix.
 */
export function toApiError(operation: string, error: unknown, keyName?: string): ImmichApiError {
  if (error instanceof ImmichApiError) return error;
  if (isHttpError(error)) {
    const status = error.status;
    const said = serverMessage(error.data);
    const detail = `${operation}: HTTP ${status}${said ? `: ${said}` : ""}`;
    if (status === 429) return new ImmichApiError("rate-limit", operation, detail, status, { cause: error });
    if (status >= 500) return new ImmichApiError("server", operation, detail, status, { cause: error });
    if (status === 401)
      return new ImmichApiError(
        "auth",
        operation,
        keyName
          ? `${detail}. The server rejects the API key in ${keyName}: put a valid key there (Account Settings > API Keys on the server).`
          : `${detail}. Check the API key (IMMICH_API_KEY or --api-key-file).`,
        status,
        { cause: error },
      );
    if (status === 403)
      return new ImmichApiError("forbidden", operation, `${detail}. Give the API key that permission, or use an admin's key.`, status, { cause: error });
    if (status === 404) return new ImmichApiError("not-found", operation, `${detail}. Is the URL the Immich API (ending in /api)?`, status, { cause: error });
    return new ImmichApiError("bad-request", operation, detail, status, { cause: error });
  }
  if (isMalformedResponseError(error)) {
    return new ImmichApiError("malformed", operation, `${operation}: ${error.message}. Is the URL the Immich API, not the proxy's login page?`, error.status, {
      cause: error,
    });
  }
  const name = (error as { name?: string } | undefined)?.name;
  if (name === "TimeoutError" || name === "AbortError") {
    const said = name === "TimeoutError" && error instanceof Error && error.message.startsWith("no answer") ? error.message : "no answer in time";
    return new ImmichApiError("timeout", operation, `${operation}: ${said}`, undefined, { cause: error });
  }
  const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
  return new ImmichApiError("network", operation, `${operation}: cannot reach the server (${reason})`, undefined, { cause: error });
}

/** Seconds of a `Retry-After` header, when the server sent one. */
export function retryAfterMs(error: ImmichApiError): number | undefined {
  const cause = error.cause;
  if (!isHttpError(cause)) return undefined;
  const value = cause.headers?.get?.("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}
