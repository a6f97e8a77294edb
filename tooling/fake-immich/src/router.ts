import type { IncomingMessage } from "node:http";
import type { LineApi } from "./line-api.js";
import type { FakeApiKey, FakeState, FakeUser } from "./state.js";

/** The caller, once authenticated by its `x-api-key` or a login session's token (then with every permission). */
export interface FakeAuth {
  readonly user: FakeUser;
  /** Undefined for a login session. */
  readonly apiKey: FakeApiKey | undefined;
}

export interface RouteContext {
  readonly req: IncomingMessage;
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly state: FakeState;
  /** Undefined only on public routes. */
  readonly auth: FakeAuth | undefined;
}

export interface RouteResult {
  readonly status?: number;
  readonly body?: unknown;
}

export type RouteHandler = (ctx: RouteContext) => RouteResult | Promise<RouteResult>;

export interface RouteOptions {
  /** No API key needed (server info). @default false */
  readonly public?: boolean;
  /** Only admins may call it (libraries, jobs). @default false */
  readonly admin?: boolean;
  /** The API-key permission the route needs; `false` for any valid key (e.g. `GET /api-keys/me`). */
  readonly permission: string | false;
  /** Served only on lines whose API has it. @default every line */
  readonly when?: (api: LineApi) => boolean;
}

export interface Route extends RouteOptions {
  readonly method: string;
  readonly pattern: string;
  readonly regex: RegExp;
  readonly keys: readonly string[];
  readonly handler: RouteHandler;
}

/** Method + path-pattern routing (`/libraries/:id/scan`), paths relative to `/api`. */
export class FakeRouter {
  readonly routes: Route[] = [];

  add(method: string, pattern: string, options: RouteOptions, handler: RouteHandler): this {
    const keys: string[] = [];
    const source = pattern.replace(/:([a-zA-Z]+)/g, (_, key: string) => {
      keys.push(key);
      return "([^/]+)";
    });
    this.routes.push({ ...options, method: method.toUpperCase(), pattern, regex: new RegExp(`^${source}/?$`), keys, handler });
    return this;
  }

  match(method: string, path: string, api: LineApi): { route: Route; params: Record<string, string> } | { allowed: boolean } {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      if (route.when && !route.when(api)) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((k, i) => {
        params[k] = decodeURIComponent(m[i + 1] ?? "");
      });
      return { route, params };
    }
    return { allowed: pathMatched };
  }
}

/** A module of routes for one API area; other files can add their own and pass them to `createFakeImmich`. */
export type RouteModule = (router: FakeRouter) => void;
