import type { ImmichFamilySpec } from "@family/immich-spec";
import { stringify } from "yaml";

/** Parsed secret references (`{ key }`) and literal-or-secret values (`{ value }`) back to how a spec writes them. */
function unparse(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unparse);
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 1 && typeof (value as { key?: unknown }).key === "string") return `\${${(value as { key: string }).key}}`;
    if (entries.length === 1 && typeof (value as { value?: unknown }).value === "string") return (value as { value: string }).value;
    return Object.fromEntries(entries.filter(([k]) => k !== "$schema").map(([k, v]) => [k, unparse(v)]));
  }
  return value;
}

/** The spec, defaults applied, as the worker container reads it: a valid spec file with `${KEY}` references only. */
export function renderSpecCopy(spec: ImmichFamilySpec): string {
  return `# Rendered by immich-family for the worker; edit the source spec and render again.\n${stringify(unparse(spec), { lineWidth: 0 })}`;
}
