import { newestSupportedRelease } from "@family/immich-spec";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { errorResponse, FakeHttpError, type ValidationIssue } from "./errors.js";
import { type FaultKind, Faults } from "./faults.js";
import { JobRunner, type JobRunnerOptions } from "./jobs.js";
import { isWrite, type LoggedRequest } from "./request-log.js";
import { type FakeAuth, FakeRouter, type Route, type RouteModule } from "./router.js";
import { defaultRoutes } from "./routes/index.js";
import { oauthLogin, type OAuthProfile } from "./routes/auth.js";
import { type FakeUser, type FakeUserInput, FakeState, type ServerVersion } from "./state.js";

export interface FakeImmichOptions {
  /** The server release to imitate; its line (the nearest supported one outside the table) selects the API's shape. @default the newest release of immich-family's release table */
  readonly version?: ServerVersion;
  /** `server.publicUsers`. @default true */
  readonly publicUsers?: boolean;
  /** The server's media folder (import paths inside it are invalid). @default "/data" */
  readonly mediaLocation?: string;
  /** Started with IMMICH_CONFIG_FILE: `PUT /system-config` is refused. @default false */
  readonly configFile?: boolean;
  /** `IMMICH_ALLOW_SETUP` is not false: `POST /auth/admin-sign-up` works while no admin exists. @default true */
  readonly allowSetup?: boolean;
  /** Extra route modules (e.g. albums), added after the default ones. */
  readonly routes?: readonly RouteModule[];
  /** Timing of queued jobs. */
  readonly jobs?: JobRunnerOptions;
}

export interface FakeImmich {
  /** Base URL of the API, ending in `/api`, as `@immich/sdk` expects. */
  readonly url: string;
  readonly state: FakeState;
  readonly faults: Faults;
  readonly jobs: JobRunner;
  /** Every request received, in order. */
  readonly requests: LoggedRequest[];
  /** Requests that changed state. */
  writes(): LoggedRequest[];
  addUser(input: FakeUserInput): FakeUser;
  addApiKey(user: FakeUser | string, permissions?: readonly string[], name?: string): string;
  /**
   * A member logging in through the identity provider, as the server's OAuth callback handles it:
   * found by OAuth id, else linked by email (refused when that account is linked to another id), else
   * registered when `oauth.autoRegister` is on; a role claim in the profile sets `isAdmin` at every
   * login. Returns the account and a session token; throws the server's 400 otherwise.
   */
  oauthLogin(profile: OAuthProfile): { user: FakeUser; token: string };
  close(): Promise<void>;
}

/** The release the fake imitates by default: the newest of immich-family's release table. */
export const DEFAULT_VERSION = newestSupportedRelease() as ServerVersion;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new FakeHttpError(400, "Unexpected token in JSON body");
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined || status === 204) {
    res.writeHead(status, headers).end();
    return;
  }
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers }).end(JSON.stringify(body));
}

/** The session token of a request: `Authorization: Bearer`, `x-immich-user-token`, or the `immich_access_token` cookie. */
function sessionToken(req: IncomingMessage): string | undefined {
  const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
  const header = req.headers["x-immich-user-token"];
  const cookie = /(?:^|;\s*)immich_access_token=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
  return bearer ?? (typeof header === "string" ? header : undefined) ?? cookie;
}

/** The caller: a session wins over an API key (as on the server); a deleted account is no one. */
function authenticate(state: FakeState, req: IncomingMessage): FakeAuth {
  const token = sessionToken(req);
  if (token !== undefined) {
    const user = state.users.get(state.sessions.get(token) ?? "");
    if (!user || user.deletedAt !== null) throw new FakeHttpError(401, "Invalid user token");
    return { user, apiKey: undefined };
  }
  const secret = req.headers["x-api-key"];
  const key = typeof secret === "string" ? state.apiKeys.get(secret) : undefined;
  const user = key ? state.users.get(key.userId) : undefined;
  if (!key || !user || user.deletedAt !== null) throw new FakeHttpError(401, typeof secret === "string" ? "Invalid API key" : "Authentication required");
  return { user, apiKey: key };
}

/** The caller of a route that is not public, allowed by its admin flag and its permission, or a 401/403. */
function authorize(route: Route, state: FakeState, req: IncomingMessage): FakeAuth {
  const auth = authenticate(state, req);
  const { user, apiKey: key } = auth;
  if (route.admin && !user.isAdmin) throw new FakeHttpError(403, "Forbidden");
  if (key && route.permission && !key.permissions.includes("all") && !key.permissions.includes(route.permission)) {
    throw new FakeHttpError(403, `Missing required permission: ${route.permission}`);
  }
  return auth;
}

type SendError = (status: number, message: string | readonly ValidationIssue[], headers?: Record<string, string>) => void;

/**
 * A fault injected before routing: waits out a latency, or answers or drops the request itself.
 * Returns true when the request is done with (answered, dropped or left hanging).
 */
async function applyFault(fault: FaultKind, req: IncomingMessage, sendError: SendError, log: (status: number) => void): Promise<boolean> {
  switch (fault.kind) {
    case "latency":
      await sleep(fault.delayMs);
      return false;
    case "status": {
      const status = fault.status ?? 503;
      log(status);
      sendError(status, "Injected failure");
      return true;
    }
    case "rate-limit":
      log(429);
      sendError(429, "Too Many Requests", { "retry-after": String(fault.retryAfterSeconds ?? 1) });
      return true;
    case "hang":
      log(0);
      return true; // never answered; closed by the client or by close()
    case "drop":
      log(0);
      req.socket.destroy();
      return true;
    case "drop-response":
      return false;
  }
}

/** What the request handler works on: the server's state, its faults and routes, and the request log. */
interface FakeServerParts {
  readonly state: FakeState;
  readonly faults: Faults;
  readonly router: FakeRouter;
  readonly requests: LoggedRequest[];
}

/** The HTTP handler: faults, routing, authentication and permissions, the route, the log, errors in the line's shape. */
function requestHandler({ state, faults, router, requests }: FakeServerParts): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const method = (req.method ?? "GET").toUpperCase();
    const path = url.pathname.replace(/^\/api(?=\/|$)/, "") || "/";
    let auth: FakeAuth | undefined;
    let body: unknown;
    let fault: FaultKind | undefined;
    const log = (status: number) =>
      requests.push({
        method,
        path,
        query: url.search,
        status,
        apiKey: auth ? (auth.apiKey?.name ?? "(session)") : undefined,
        userEmail: auth?.user.email,
        body,
        fault: fault?.kind,
      });
    const sendError: SendError = (status, message, headers = {}) => {
      const answer = errorResponse(state.api, status, message);
      send(res, status, answer.body, { ...answer.headers, ...headers });
    };
    try {
      body = await readBody(req);
      fault = faults.take(method, path);
      if (fault && (await applyFault(fault, req, sendError, log))) return;
      const found = router.match(method, path, state.api);
      if (!("route" in found)) throw new FakeHttpError(found.allowed ? 405 : 404, `Cannot ${method} /api${path}`);
      const { route, params } = found;
      if (!route.public) auth = authorize(route, state, req);
      const result = await route.handler({ req, params, query: url.searchParams, body, state, auth });
      const status = result.status ?? (method === "POST" ? 201 : 200);
      log(status);
      if (fault?.kind === "drop-response") {
        req.socket.destroy();
        return;
      }
      send(res, status, result.body);
    } catch (error) {
      const status = error instanceof FakeHttpError ? error.status : 500;
      log(status);
      if (error instanceof FakeHttpError) sendError(status, error.body, error.headers);
      else sendError(500, "Internal server error");
    }
  };
}

/** Start a fake Immich API on 127.0.0.1 (a random port) that the real `@immich/sdk` talks to. */
export async function createFakeImmich(options: FakeImmichOptions = {}): Promise<FakeImmich> {
  const state = new FakeState(options.version ?? DEFAULT_VERSION, {
    ...(options.publicUsers === undefined ? {} : { publicUsers: options.publicUsers }),
    ...(options.mediaLocation === undefined ? {} : { mediaLocation: options.mediaLocation }),
    ...(options.configFile === undefined ? {} : { configFile: options.configFile }),
    ...(options.allowSetup === undefined ? {} : { allowSetup: options.allowSetup }),
  });
  const jobs = new JobRunner(state, options.jobs);
  state.enqueue = (queue, run) => jobs.enqueue(queue, run);
  const faults = new Faults();
  const requests: LoggedRequest[] = [];
  const router = new FakeRouter();
  for (const mod of [...defaultRoutes, ...(options.routes ?? [])]) mod(router);
  const handle = requestHandler({ state, faults, router, requests });
  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/api`,
    state,
    faults,
    jobs,
    requests,
    writes: () => requests.filter((r) => r.status > 0 && r.status < 400 && isWrite(r)),
    addUser: (input) => state.addUser(input),
    addApiKey: (user, permissions, name) => state.addApiKey(user, permissions, name),
    oauthLogin: (profile) => oauthLogin(state, profile),
    close: async () => {
      jobs.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Run `fn` against a fresh fake and close it afterwards. */
export async function withFakeImmich<T>(fn: (fake: FakeImmich) => Promise<T>, options?: FakeImmichOptions): Promise<T> {
  const fake = await createFakeImmich(options);
  try {
    return await fn(fake);
  } finally {
    await fake.close();
  }
}
