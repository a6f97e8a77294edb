import { randomUUID } from "node:crypto";
import type { LineApi } from "./line-api.js";

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
 * Body and headers of an error answer in the shape of the server's line (`LineApi.errors`). The fake
 * keeps class-validator's words in each issue of the `issues` shape too: only the shape is v3's (the
 * server's own words there are zod's).
 */
export function errorResponse(api: LineApi, status: number, body: string | readonly ValidationIssue[]): { body: unknown; headers: Record<string, string> } {
  const correlationId = randomUUID().slice(0, 8);
  if (api.errors === "nest") {
    const message = typeof body === "string" ? body : body.map((i) => i.message);
    return { body: { message, error: reasonPhrase(status), statusCode: status, correlationId }, headers: { "x-immich-cid": correlationId } };
  }
  const issues =
    typeof body === "string"
      ? { message: body }
      : { message: "Validation failed", errors: body.map((i) => ({ code: "custom", path: i.path, message: i.message })) };
  return { body: issues, headers: { "x-correlation-id": correlationId } };
}

export const badRequest = (message: string | readonly ValidationIssue[]) => new FakeHttpError(400, message);
export const notFound = (message = "Not found") => new FakeHttpError(404, message);
