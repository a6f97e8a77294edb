/** One request the fake received, for asserting "which API calls were made". */
export interface LoggedRequest {
  readonly method: string;
  /** Path under `/api`, without the query. */
  readonly path: string;
  readonly query: string;
  readonly status: number;
  /** Name of the API key used, if any (never its secret). */
  readonly apiKey: string | undefined;
  readonly userEmail: string | undefined;
  readonly body: unknown;
  /** A fault was injected instead of (or before) the normal answer. */
  readonly fault: string | undefined;
}

/** Requests that change server state (searches and validation are reads even though they POST). */
export function isWrite(r: Pick<LoggedRequest, "method" | "path">): boolean {
  if (r.method === "GET" || r.method === "HEAD") return false;
  return !(r.path.startsWith("/search/") || r.path.endsWith("/validate"));
}
