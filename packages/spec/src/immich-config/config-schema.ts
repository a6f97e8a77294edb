import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { ImmichLine } from "../releases/release-line.js";

/** A JSON Schema node, as far as this file reads it. */
interface SchemaNode {
  readonly $ref?: string;
  readonly default?: unknown;
  readonly properties?: Record<string, SchemaNode>;
}

/** A line's strict config schema (JSON Schema 2020-12), as far as this file reads it; ajv reads the rest. */
export interface ImmichConfigSchema extends SchemaNode {
  readonly $defs?: Record<string, SchemaNode>;
}

/** An Immich server config, or a part of it: a plain JSON object. */
export type ConfigObject = Record<string, unknown>;

export function isPlainObject(v: unknown): v is ConfigObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Immich's merge of a config file over its defaults: plain objects merge key by key; arrays, null and scalars replace. */
export function mergeConfig(base: ConfigObject, over: ConfigObject): ConfigObject {
  const out: ConfigObject = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? mergeConfig(b, v) : structuredClone(v);
  }
  return out;
}

/**
 * The complete default system config of an Immich line, as `GET /system-config/defaults` returns it,
 * read from the `default` of every leaf of the line's vendored config schema.
 */
export function immichConfigDefaults(line: ImmichLine): ConfigObject {
  const root = line.configSchema;
  const resolve = (node: SchemaNode): SchemaNode => {
    let n = node;
    while (n.$ref && !n.properties && n.default === undefined) {
      const target = root.$defs?.[n.$ref.replace("#/$defs/", "")];
      if (!target) break;
      const { $ref: _, ...rest } = n;
      n = { ...target, ...rest };
    }
    return n;
  };
  const walk = (node: SchemaNode): unknown => {
    const n = resolve(node);
    if (n.default !== undefined) return structuredClone(n.default);
    return Object.fromEntries(Object.entries(n.properties ?? {}).map(([k, v]) => [k, walk(v)]));
  };
  return walk(root) as ConfigObject;
}

/** One key or value of a server config that the pinned Immich line would refuse or ignore. */
export interface ConfigSchemaIssue {
  /** Path of the offending key, e.g. ["machineLearning", "urls"]. */
  readonly path: readonly string[];
  readonly message: string;
}

const validators = new WeakMap<ImmichConfigSchema, ValidateFunction>();

function validatorFor(line: ImmichLine): ValidateFunction {
  let v = validators.get(line.configSchema);
  if (!v) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    v = ajv.compile(line.configSchema);
    validators.set(line.configSchema, v);
  }
  return v;
}

/**
 * Check a config file's content against the line's strict config schema (unknown keys rejected),
 * as Immich checks the file merged over its defaults at start-up.
 */
export function checkImmichConfig(line: ImmichLine, config: ConfigObject): ConfigSchemaIssue[] {
  const validate = validatorFor(line);
  if (validate(config)) return [];
  const seen = new Set<string>();
  const issues: ConfigSchemaIssue[] = [];
  for (const e of validate.errors ?? []) {
    // if/then/else wrappers repeat the inner error: keep the specific ones.
    if (e.keyword === "if" || e.keyword === "allOf" || e.keyword === "anyOf") continue;
    const path = e.instancePath
      .split("/")
      .slice(1)
      .map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
    const params = e.params as Record<string, unknown>;
    if (e.keyword === "additionalProperties") path.push(String(params.additionalProperty));
    const message =
      e.keyword === "additionalProperties"
        ? `unknown key of Immich v${line.major}'s config`
        : e.keyword === "enum"
          ? `${e.message}: ${(params.allowedValues as unknown[]).map((a) => JSON.stringify(a)).join(", ")}`
          : (e.message ?? "invalid");
    const id = `${path.join(".")}|${message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    issues.push({ path, message });
  }
  return issues;
}
