import { z } from "zod";
import { isSupported, supportedLines, supportedRange } from "../releases/line-of.js";

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

/**
 * A check with its own message per problem, for values whose mistakes differ (a host path with a
 * `:`, with a `$`…): `problem` returns what is wrong, or undefined. `pattern` goes to the JSON Schema.
 */
function checked(problem: (value: string) => string | undefined, pattern?: string) {
  const schema = z.string().superRefine((value, ctx) => {
    const why = problem(value);
    if (why !== undefined) ctx.addIssue({ code: "custom", message: why, params: { code: "invalid-format" } });
  });
  return pattern === undefined ? schema : schema.meta({ pattern });
}

/**
 * A short name used in object names and labels (`<name>-machine-learning`, `library-<handle>`):
 * a DNS-1123 label of at most 40 characters, so every name derived from it stays a valid label.
 */
export const HANDLE_PATTERN = /^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$/;
export const handle = z
  .string()
  .regex(
    HANDLE_PATTERN,
    "expected a lowercase name of letters, digits and dashes, starting with a letter, ending with a letter or digit, at most 40 characters",
  );

/** A lowercase DNS host name with at least two labels, such as photos.example.com. */
export const HOSTNAME_PATTERN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;
export const hostname = z.string().regex(HOSTNAME_PATTERN, "expected a lowercase DNS host name such as photos.example.com (no scheme, no path)");

/** The name of a Kubernetes object (Secret, PVC, StorageClass…): a DNS-1123 subdomain. */
export const objectName = z
  .string()
  .regex(
    /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    "expected a Kubernetes object name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
  );

/** A Kubernetes namespace: a DNS-1123 label. */
export const namespaceName = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
    "expected a namespace name: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
  );

/** A container image reference, `[registry/]repository[:tag][@digest]`. */
export const imageRef = z
  .string()
  .regex(
    /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@[a-z0-9]+([+._-][a-z0-9]+)*:[A-Za-z0-9=_-]+)?$/,
    "expected an image reference such as ghcr.io/immich-app/immich-server:v2.7.5",
  );

const pathProblem = (p: string): string | undefined => {
  if (p.includes("\n") || p.includes("\t")) return "expected a path on one line, without tabs";
  if (p.includes(":")) return "expected a path without ':', which separates the parts of a volume mount";
  return undefined;
};

/** A path inside the containers (a library's path, an NFS share): absolute, normalised, on one line, no `:` or `$`. */
export const absolutePath = checked((p) => {
  if (!p.startsWith("/")) return "expected an absolute path starting with /";
  if (p !== "/" && p.endsWith("/")) return "expected no trailing slash";
  if (p.includes("//")) return "expected no empty segments ('//')";
  if (p.split("/").includes("..")) return "expected no '..' segments";
  if (p.includes("$")) return "expected a path without '$', which Compose would read as a variable";
  return pathProblem(p);
}, "^/");

/**
 * A host path for a bind mount: absolute, or relative to the rendered compose folder (`./data`), with
 * no `:` and no `$` but the `$$` that Compose reads as one `$`.
 */
export const hostPath = checked((p) => {
  if (!p.startsWith("/") && !p.startsWith("./") && p !== ".") return "expected an absolute path or one starting with ./ (relative to the rendered folder)";
  if (p.split("/").includes("..")) return "expected no '..' segments";
  if (/(^|[^$])(\$\$)*\$(?!\$)/.test(p)) return "expected no '$' in a host path (Compose reads it as a variable); write a literal '$' as '$$'";
  return pathProblem(p);
}, "^(/|\\./|\\.$)");

/** A path below another one (an NFS subDir): relative, no `..`, on one line. */
export const relativePath = checked((p) => {
  if (p === "" || p.startsWith("/")) return "expected a relative path such as public/photos";
  if (p.split("/").includes("..")) return "expected no '..' segments";
  return pathProblem(p) ?? (p.includes("$") ? "expected a path without '$'" : undefined);
});

const fileProblem = (p: string): string | undefined => {
  if (p === "") return "expected a file name such as secrets.env";
  if (p.includes("$")) return "expected no '$' (Compose and kustomize read it as a variable)";
  return pathProblem(p);
};

/** A file the rendered folder refers to (the secrets env file), relative to it or absolute; no `$`. */
export const filePath = checked(fileProblem);

/** A file kustomize reads (the secrets env file): inside the rendered folder, which is as far as kustomize may read. */
export const folderFilePath = checked((p) => {
  if (p.startsWith("/") || p.split("/").includes(".."))
    return "expected a path inside the rendered folder such as secrets.env (kustomize refuses files outside it)";
  return fileProblem(p);
});

const IPV4 = /^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$/;
const ipv6 = z.ipv6();
const isIpv6 = (v: string) => /^[0-9A-Fa-f:.]+$/.test(v) && v.includes(":") && ipv6.safeParse(v).success;
const HOST_LABELS = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** A server by host name (one label or more) or IP address. */
export const serverAddress = checked((v) => {
  const numeric = /^[0-9.]+$/.test(v);
  return (!numeric && HOST_LABELS.test(v)) || IPV4.test(v) || isIpv6(v) ? undefined : "expected a host name (nas.lan) or an IP address (192.168.1.10)";
});

/** An IP address or CIDR range. */
export const ipOrCidr = checked((v) => {
  const [ip = "", bits, extra] = v.split("/");
  const v4 = IPV4.test(ip);
  if (extra === undefined && (v4 || isIpv6(ip)) && (bits === undefined || (/^[0-9]{1,3}$/.test(bits) && Number(bits) <= (v4 ? 32 : 128)))) return undefined;
  return "expected an IP address or CIDR range such as 172.16.0.0/12";
});

let canonicalZones: ReadonlySet<string> | undefined;
const canonicalTimeZones = (): ReadonlySet<string> => {
  canonicalZones ??= new Set((Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.("timeZone") ?? []);
  return canonicalZones;
};

/**
 * An IANA time zone (`Europe/Berlin`) this runtime knows, spelt as tzdata spells it: the container's
 * TZ file lookup is case-sensitive.
 */
export const timeZone = checked((tz) => {
  // The canonical names are a cheap list (about 3 ms); resolving one through Intl.DateTimeFormat loads
  // the zone's rules (about 27 ms, a quarter of a cold start). Only aliases and mistakes go that way.
  if (canonicalTimeZones().has(tz)) return undefined;
  let resolved: string;
  try {
    if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(tz)) throw new RangeError(tz);
    resolved = new Intl.DateTimeFormat("en", { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return "expected an IANA time zone such as Europe/Berlin or America/New_York";
  }
  if (resolved !== tz && resolved.toLowerCase() === tz.toLowerCase()) return `expected the time zone spelt ${resolved}`;
  return undefined;
});

/** Kubernetes quantity, e.g. `100Gi`, `512Mi`, `500m`, `2`. */
export const quantity = z.string().regex(/^([0-9]+(\.[0-9]+)?)(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei)?$/, "expected a quantity such as 100Gi, 512Mi, 500m or 2");

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

const { min, below } = supportedRange();
/** The supported releases, for messages and the schema's description: `>=v2.0.0 <v4.0.0 (the v2 and v3 lines)`, from the release table. */
export const SUPPORTED_IMMICH_TEXT = `>=${min} <${below} (the ${supportedLines("and", "")} lines)`;

/** A pinned Immich release on a supported line (`IMMICH_LINES`). */
export const immichVersion = semver.refine(isSupported, {
  message: `expected an Immich release on a supported line, ${SUPPORTED_IMMICH_TEXT}`,
  params: { code: "unsupported-version" },
});

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
/** CPU and memory requests and limits of one component. */
export type Resources = z.output<typeof resources>;
