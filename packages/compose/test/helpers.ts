import { readFileSync } from "node:fs";
import { parseSpec } from "@family/immich-spec";
import { cleanPath, specBuilder } from "@family/test-kit";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { RE2JS } from "re2js";

export const COMPOSE_SCHEMA = new URL("../../../tooling/schemas/compose-spec/compose-spec.json", import.meta.url);

export { type Draft, exampleFiles, exampleInput } from "@family/test-kit";
export const { exampleSpec, specFromInput, specWith } = specBuilder(parseSpec);

let validate: ValidateFunction | undefined;

/** The compose-spec validator (the schema is draft-07: Ajv's default class). */
export function composeSchemaErrors(doc: unknown): string[] {
  if (!validate) {
    const schema = JSON.parse(readFileSync(COMPOSE_SCHEMA, "utf8")) as Record<string, unknown>;
    // The file names the draft-07 meta-schema by an https URL Ajv does not register; it is draft-07 all the same.
    const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
    addFormats.default(ajv);
    validate = ajv.compile(schema);
  }
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
}

/** A Traefik HTTP router read back from docker labels. */
export interface TraefikRouter {
  readonly name: string;
  readonly rule: string;
  readonly priority: number;
  readonly middlewares: readonly string[];
  readonly service: string;
}

/** The routers `labels` declare, highest priority first; a router without one has its rule's length (Traefik's default). */
export function traefikRouters(labels: Record<string, string>): TraefikRouter[] {
  const names = new Set(Object.keys(labels).flatMap((k) => /^traefik\.http\.routers\.([^.]+)\.rule$/.exec(k)?.[1] ?? []));
  return [...names]
    .map((name) => {
      const get = (key: string) => labels[`traefik.http.routers.${name}.${key}`];
      const rule = get("rule") ?? "";
      return {
        name,
        rule,
        priority: Number(get("priority") ?? rule.length),
        middlewares: (get("middlewares") ?? "").split(",").filter(Boolean),
        service: get("service") ?? "",
      };
    })
    .sort((a, b) => b.priority - a.priority);
}

/**
 * Whether a Traefik v3 rule matches a request for `host` and the routing path `path`: `Host`, `Path`,
 * `PathPrefix` and `PathRegexp` (Go's regexp, RE2 syntax, unanchored) joined by `&&`, `||` and parentheses.
 */
export function traefikRuleMatches(rule: string, host: string, path: string): boolean {
  const tokens = rule.match(/\(|\)|&&|\|\||[A-Za-z]+\(`[^`]*`\)/g) ?? [];
  let i = 0;
  const matcher = (token: string): boolean => {
    const [, name, arg = ""] = /^([A-Za-z]+)\(`([^`]*)`\)$/.exec(token) ?? [];
    if (name === "Host") return host.toLowerCase() === arg.toLowerCase();
    if (name === "Path") return path === arg;
    if (name === "PathPrefix") return path.startsWith(arg);
    if (name === "PathRegexp") return RE2JS.compile(arg).matcher(path).find();
    throw new Error(`matcher ${token} is not modelled`);
  };
  const primary = (): boolean => {
    const t = tokens[i++] ?? "";
    if (t !== "(") return matcher(t);
    const v = or();
    i++;
    return v;
  };
  const and = (): boolean => {
    let v = primary();
    while (tokens[i] === "&&") {
      i++;
      v = primary() && v;
    }
    return v;
  };
  const or = (): boolean => {
    let v = and();
    while (tokens[i] === "||") {
      i++;
      v = and() || v;
    }
    return v;
  };
  return or();
}

/** The router Traefik picks for `requestTarget` on `host` (it decodes unreserved characters and cleans the path first), with the path it forwards. */
export function traefikRoute(labels: Record<string, string>, host: string, requestTarget: string) {
  const path = cleanPath(requestTarget, { decodeUnreserved: true, rejectEncodedSlash: false });
  if (path === undefined) return { router: undefined, path };
  return { router: traefikRouters(labels).find((r) => traefikRuleMatches(r.rule, host, path)), path };
}
