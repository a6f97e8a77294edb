import { type ImmichFamilySpec, specYaml } from "@family/immich-spec";

/** The spec, defaults applied, as the worker container reads it: a valid spec file with `${KEY}` references only. */
export function renderSpecCopy(spec: ImmichFamilySpec): string {
  return `# Rendered by immich-family for the worker; edit the source spec and render again.\n${specYaml(spec)}`;
}
