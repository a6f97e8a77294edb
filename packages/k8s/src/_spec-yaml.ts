import type { ImmichFamilySpec } from "@family/immich-spec";
import { stringify } from "yaml";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/**
 * The parsed spec written back as spec YAML (defaults applied): secret references become `${KEY}`
 * again and literal-or-secret values their literal. The spec holds no secret values by construction.
 */
export function specToYaml(spec: ImmichFamilySpec): string {
  // Only the Kubernetes target: a change to another target must not restart the worker.
  const { $schema: _schema, ...rest } = { ...spec, targets: { kubernetes: spec.targets.kubernetes } };
  return stringify(unparse(rest as unknown as Json), { lineWidth: 0 });
}

function unparse(value: Json): Json {
  if (Array.isArray(value)) return value.map(unparse);
  if (value === null || typeof value !== "object") return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === "key" && typeof value.key === "string") return `\${${value.key}}`;
  if (keys.length === 1 && keys[0] === "value" && typeof value.value === "string") return value.value;
  return Object.fromEntries(keys.map((k) => [k, unparse(value[k] as Json)]));
}
