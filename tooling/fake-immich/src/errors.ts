import { randomUUID } from "node:crypto";

/** An error the fake answers with Immich's error body `{ message, error, statusCode, correlationId }`. */
export class FakeHttpError extends Error {
  override readonly name = "FakeHttpError";
  constructor(
    readonly status: number,
    readonly body: string | string[],
    readonly headers: Record<string, string> = {},
  ) {
    super(Array.isArray(body) ? body.join("; ") : body);
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

export function errorBody(status: number, message: string | string[]) {
  return { message, error: reasonPhrase(status), statusCode: status, correlationId: randomUUID().slice(0, 8) };
}

export const badRequest = (message: string | string[]) => new FakeHttpError(400, message);
export const notFound = (message = "Not found") => new FakeHttpError(404, message);
