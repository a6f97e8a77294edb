import type { RuleFinding, SpecRule } from "./_rule.js";

/** Variables the renderers set from the spec's own fields: `immich.environment` must not fight them. */
const OWNED: Record<string, string> = {
  TZ: "immich.timezone",
  IMMICH_CONFIG_FILE: "the rendered config file",
  IMMICH_MEDIA_LOCATION: "immich.mediaLocation",
  IMMICH_TRUSTED_PROXIES: "immich.trustedProxies",
  IMMICH_MACHINE_LEARNING_URL: "machineLearning",
  IMMICH_MACHINE_LEARNING_ENABLED: "machineLearning.enabled",
  DB_URL: "database",
  DB_VECTOR_EXTENSION: "database.vectorExtension",
};
const OWNED_PREFIX: [RegExp, string][] = [
  [/^DB_/, "database"],
  [/^REDIS_/, "redis"],
];
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|PRIVATE_KEY|_PASS)(_FILE)?$/;

/** The spec field a server variable is rendered from, when the render sets it itself. */
export function serverEnvOwner(name: string): string | undefined {
  return OWNED[name] ?? OWNED_PREFIX.find(([re]) => re.test(name))?.[1];
}

/** Whether a variable's name says it holds a secret. */
export const isSecretEnvName = (name: string): boolean => SECRET_NAME.test(name);

export const serverEnvironment: SpecRule = {
  name: "server-environment",
  description: "immich.environment holds only non-secret variables the render does not set itself.",
  needs: ["immich"],
  check: (spec) => {
    const out: RuleFinding[] = [];
    for (const [name, value] of Object.entries(spec.immich.environment ?? {})) {
      const path = ["immich", "environment", name];
      const owner = serverEnvOwner(name);
      if (owner) out.push({ path, anchor: "key", message: `${name} is set by the render from ${owner}; say it there` });
      else if (SECRET_NAME.test(name)) out.push({ path, anchor: "key", message: `${name} looks like a secret; secrets never go in the spec` });
      else if (/[\n\r\0]/.test(value)) out.push({ path, message: "expected a value on one line" });
      else if (value.includes("${"))
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholder syntax, named
        out.push({ path, message: "expected a literal value; secrets (${KEY}) never go in immich.environment" });
    }
    return out;
  },
};
