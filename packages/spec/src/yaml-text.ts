import { stringify } from "yaml";
import type { ImmichFamilySpec } from "./schema/spec.js";

/**
 * YAML text of plain data, as every rendered file is written: long strings never folded, and no
 * directives (which also spares the library a walk over the whole document looking for tags).
 * `1.1` quotes strings such as `no`, `on` or `3106:3202` that YAML 1.1 readers (Kubernetes, Compose)
 * would otherwise take for booleans or numbers.
 */
export function yamlText(value: unknown, version: "1.1" | "1.2" = "1.2"): string {
  return stringify(value, { version, lineWidth: 0, directives: false });
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/**
 * A parsed spec written back as spec YAML, defaults applied, for the worker to read: secret
 * references become `${KEY}` again and literal-or-secret values their literal. The spec holds no
 * secret values by construction.
 */
export function specYaml(spec: ImmichFamilySpec): string {
  const { $schema: _schema, ...rest } = spec;
  return yamlText(unparse(rest as unknown as Json));
}

function unparse(value: Json): Json {
  if (Array.isArray(value)) return value.map(unparse);
  if (value === null || typeof value !== "object") return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === "key" && typeof value.key === "string") return `\${${value.key}}`;
  if (keys.length === 1 && keys[0] === "value" && typeof value.value === "string") return value.value;
  return Object.fromEntries(keys.map((k) => [k, unparse(value[k] as Json)]));
}
