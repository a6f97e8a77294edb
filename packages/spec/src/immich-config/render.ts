import { immichLine } from "../derive.js";
import type { ImmichFamilySpec } from "../schema/spec.js";
import type { Target } from "../secrets.js";
import { placeholderKeysOf } from "./fill-template.js";
import { yamlText } from "../yaml-text.js";
import { applyConfigSettings } from "./config-keys.js";
import { type ConfigObject, immichConfigDefaults, mergeConfig } from "./config-schema.js";
import type { FfmpegAccel } from "../facts.js";

export type { FfmpegAccel };

/** The subset of Immich's system config this tool manages; every key is one every supported line accepts unless noted. */
export interface ImmichConfig {
  oauth?: {
    enabled: boolean;
    issuerUrl: string;
    clientId: string;
    clientSecret: string;
    scope: string;
    autoRegister: boolean;
    autoLaunch: boolean;
    mobileOverrideEnabled: boolean;
    mobileRedirectUri?: string;
    buttonText?: string;
    roleClaim?: string;
    /** Only on lines whose config has it (v3 on). */
    allowInsecureRequests?: boolean;
  };
  passwordLogin?: { enabled: boolean };
  storageTemplate?: { enabled: boolean; template: string };
  server?: { externalDomain: string; loginPageMessage?: string };
  library?: { scan: { enabled: boolean; cronExpression?: string }; watch: { enabled: boolean } };
  machineLearning?: { enabled: boolean; urls?: string[] };
  ffmpeg?: { accel: FfmpegAccel };
  backup?: { database: { enabled: boolean } };
  newVersionCheck?: { enabled: boolean };
  reverseGeocoding?: { enabled: boolean };
  map?: { enabled?: boolean; lightStyle?: string; darkStyle?: string };
  trash?: { enabled: boolean; days?: number };
  user?: { deleteDelay: number };
  templates?: { email: { welcomeTemplate?: string; albumInviteTemplate?: string; albumUpdateTemplate?: string } };
  job?: Record<string, { concurrency: number }>;
  /** Keys of `immich.config`, Immich's own shape. */
  [key: string]: unknown;
}

/** The `${KEY}` secrets of `immich.config`: keys whose whole value is one placeholder. */
export function passthroughSecretKeys(spec: Pick<ImmichFamilySpec, "immich">): { key: string; path: string }[] {
  const out: { key: string; path: string }[] = [];
  const walk = (v: unknown, path: string[]) => {
    if (typeof v === "string") {
      const m = /^\$\{([A-Z_][A-Z0-9_]*)\}$/.exec(v);
      if (m?.[1]) out.push({ key: m[1], path: path.join(".") });
    } else if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) walk(x, [...path, String(i)]);
    } else if (typeof v === "object" && v !== null) for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(spec.immich.config ?? {}, []);
  return out;
}

/**
 * The Immich server config for `target`, as an object: the spec's settings (the config-key table,
 * `config-keys.ts`), then `immich.config` merged over them; secrets are `${KEY}` placeholders.
 */
export function buildImmichConfig(spec: ImmichFamilySpec, target: Target): ImmichConfig {
  const config: ConfigObject = {};
  applyConfigSettings(config, { spec, target, defaults: immichConfigDefaults(immichLine(spec)) });
  return (spec.immich.config ? mergeConfig(config, spec.immich.config) : config) as ImmichConfig;
}

/**
 * The Immich server config file for `target`, as YAML text with `${KEY}` placeholders for secrets,
 * filled at start by `immich-family config fill`.
 */
export function renderImmichConfigTemplate(spec: ImmichFamilySpec, target: Target): string {
  const header = [
    `# Immich server config (IMMICH_CONFIG_FILE) for ${spec.metadata.name}, Immich ${spec.immich.version}, target ${target}.`,
    "# Rendered by immich-family from the spec: edit the spec, not this file.",
    "# Secrets are placeholders naming keys of the secrets env file, filled at start by `immich-family config fill`.",
  ];
  const config = buildImmichConfig(spec, target);
  // A literal spec value that looks like a placeholder would be "filled" at start: refuse it here.
  const secrets = new Set([
    ...[spec.auth.oauth?.clientId, spec.auth.oauth?.clientSecret].flatMap((v) => (v && "key" in v ? [v.key] : [])),
    ...passthroughSecretKeys(spec).map((s) => s.key),
  ]);
  const stray = placeholderKeysOf(config).filter((k) => !secrets.has(k));
  if (stray.length > 0)
    throw new Error(`a value of the spec contains ${stray.map((k) => `\${${k}}`).join(", ")}, which the config init step would take for a secret placeholder`);
  return `${header.join("\n")}\n${yamlText(config)}`;
}
