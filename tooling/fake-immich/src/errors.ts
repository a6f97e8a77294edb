import { randomUUID } from "node:crypto";

/** One failed field check of a request: the field's path and what is wrong with it. */
export interface ValidationIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * An error the fake answers with, in the body of the server line it imitates (see `errorResponse`).
 * `body` is the message, or the field issues of a failed validation.
 */
export class FakeHttpError extends Error {
  override readonly name = "FakeHttpError";
  constructor(
    readonly status: number,
    readonly body: string | readonly ValidationIssue[],
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === "string" ? body : body.map((i) => i.message).join("; "));
  }
}

const REASON: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

export function reasonPhrase(status: number): string {
  return REASON[status] ?? "Error";
}

/**
 * Body and headers of an error answer. v2: `{ message, error, statusCode, correlationId }`, the message
 * a list for a failed validation (class-validator's words), the id also in `x-immich-cid`. v3: only
 * `{ message }`, a failed validation as `{ message: "Validation failed", errors }`, the id in
 * `X-Correlation-ID` only. The fake keeps class-validator's words in each v3 issue too: only the
 * shape is v3's (the server's own words there are zod's).
 */
export function errorResponse(major: 2 | 3, status: number, body: string | readonly ValidationIssue[]): { body: unknown; headers: Record<string, string> } {
  const correlationId = randomUUID().slice(0, 8);
  if (major === 2) {
    const message = typeof body === "string" ? body : body.map((i) => i.message);
    return { body: { message, error: reasonPhrase(status), statusCode: status, correlationId }, headers: { "x-immich-cid": correlationId } };
  }
  const v3 =
    typeof body === "string"
      ? { message: body }
      : { message: "Validation failed", errors: body.map((i) => ({ code: "custom", path: i.path, message: i.message })) };
  return { body: v3, headers: { "x-correlation-id": correlationId } };
}

export const badRequest = (message: string | readonly ValidationIssue[]) => new FakeHttpError(400, message);
export const notFound = (message = "Not found") => new FakeHttpError(404, message);
