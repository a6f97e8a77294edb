import { stringify } from "yaml";

/**
 * YAML as Kubernetes tools read it: their parser follows YAML 1.1, where a bare `no`, `on` or `y`
 * is a boolean, so such strings are quoted.
 */
export function toYaml(value: unknown): string {
  return stringify(value, { version: "1.1", lineWidth: 0 });
}
