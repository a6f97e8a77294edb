import type { ImmichFamilySpec } from "../schema/spec.js";
import type { Target } from "../secrets.js";

/** File name of the config template inside a rendered target folder. */
export const IMMICH_CONFIG_TEMPLATE = "immich-config.yaml.tmpl";

/**
 * The Immich server config file for `target`, as YAML text with `${KEY}` placeholders for secrets.
 * Placeholder until issue 3 lands.
 */
export function renderImmichConfigTemplate(_spec: ImmichFamilySpec, _target: Target): string {
  throw new Error("the Immich config renderer is not implemented yet");
}
