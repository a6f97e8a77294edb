import { z } from "zod";

/** Secret keys are names in the one secrets env file, e.g. `IMMICH_OAUTH_CLIENT_SECRET`. */
export const SECRET_KEY_RE = /^[A-Z_][A-Z0-9_]*$/;
const SECRET_REF_RE = /^\$\{([A-Z_][A-Z0-9_]*)\}$/;

/** A reference to a key of the secrets env file, as written in the spec (`${KEY}`) and once parsed. */
export interface SecretRef {
  readonly key: string;
}

/**
 * A secret reference: `${KEY}` naming a key of the secrets env file. A literal value is rejected
 * (issue code `secret-literal`) and never echoed back in the message.
 */
export function optionalSecretRef(exampleKey: string, what: string) {
  return z
    .string()
    .superRefine((value, ctx) => {
      if (SECRET_REF_RE.test(value)) return;
      ctx.addIssue({
        code: "custom",
        message: SECRET_KEY_RE.test(value)
          ? `expected a secret reference like \${${value}}, got the bare key name ${value}`
          : `expected a secret reference like \${${exampleKey}}, got a literal value; put the value in the secrets env file and reference its key`,
        params: { code: SECRET_KEY_RE.test(value) ? "secret-bare-key" : "secret-literal" },
      });
    })
    .transform((value): SecretRef => ({ key: SECRET_REF_RE.exec(value)?.[1] ?? value }))
    .describe(`${what}. A reference \`\${KEY}\` to a key of the secrets env file, e.g. \${${exampleKey}}; never the value.`);
}

/** A secret reference with a default key. */
export function secretRef(defaultKey: string, what: string) {
  return optionalSecretRef(defaultKey, what)
    .prefault(`\${${defaultKey}}`)
    .describe(`${what}. A reference \`\${KEY}\` to a key of the secrets env file; never the value. @default \${${defaultKey}}`);
}

/** A string that is either a literal value or a `${KEY}` reference (e.g. an OAuth client id). */
export type ValueOrSecret = { readonly value: string } | SecretRef;
export function valueOrSecret(what: string) {
  return z
    .string()
    .min(1)
    .transform((value): ValueOrSecret => {
      const m = SECRET_REF_RE.exec(value);
      return m?.[1] ? { key: m[1] } : { value };
    })
    .describe(`${what}. A literal value or a reference \`\${KEY}\` to a key of the secrets env file.`);
}

export const handle = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, "expected a lowercase name of letters, digits and dashes, starting with a letter");

export const hostname = z
  .string()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/,
    "expected a lowercase DNS host name such as photos.example.com (no scheme, no path)",
  );

export const absolutePath = z
  .string()
  .regex(/^\/(?!.*\/\/)[^\0]*$/, "expected an absolute path starting with /")
  .refine((p) => p === "/" || !p.endsWith("/"), "expected no trailing slash")
  .refine((p) => !p.split("/").includes(".."), "expected no '..' segments");

/** A host path for a bind mount: absolute, or relative to the rendered compose folder (`./data`). */
export const hostPath = z
  .string()
  .regex(/^(\/|\.\/|\.\.\/)[^\0]*$/, "expected an absolute path or one starting with ./");

/** Kubernetes quantity, e.g. `100Gi`, `512Mi`, `500m`, `2`. */
export const quantity = z
  .string()
  .regex(/^([0-9]+(\.[0-9]+)?)(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei)?$/, "expected a quantity such as 100Gi, 512Mi, 500m or 2");

/** Duration such as `30s`, `5m`, `1h`, `48h`, `7d`. */
export const duration = z.string().regex(/^[0-9]+(ms|s|m|h|d)$/, "expected a duration such as 30s, 5m, 1h or 7d");

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export function durationMs(d: string): number {
  const m = /^([0-9]+)(ms|s|m|h|d)$/.exec(d);
  if (!m?.[1] || !m[2]) throw new Error(`invalid duration ${d}`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

export const semver = z
  .string()
  .regex(/^v?[0-9]+\.[0-9]+\.[0-9]+$/, "expected a version such as v2.7.5")
  .transform((v) => (v.startsWith("v") ? v : `v${v}`));

export const resourceList = z.strictObject({
  cpu: quantity.optional(),
  memory: quantity.optional(),
});
export const resources = z
  .strictObject({
    requests: resourceList.optional(),
    limits: resourceList.optional(),
  })
  .describe("CPU and memory requests and limits.");
export type Resources = z.output<typeof resources>;
