// The entries of the config-key table (config-keys.ts) whose config keys come from more than their own
// field: the target, the hosts, the libraries, the line. Zod-free.
import { oauthIssuerUrl, oauthMobileRedirect, oauthRedirectUris } from "../derive.js";
import { type FfmpegAccel, transcodingAccel } from "../facts.js";
import { configValue } from "../releases/changed-defaults.js";
import type { ValueOrSecret } from "../schema/primitives.js";
import type { ImmichFamilySpec, OAuth } from "../schema/spec.js";
import type { Target } from "../secrets.js";
import type { ConfigLeaf, ConfigReader, ConfigSetting, ForwardContext } from "./config-keys.js";
import { machineLearningUrl } from "./machine-learning-url.js";

/** The lower-case host of a URL, or undefined when it is not one. */
export function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}

/** The `ffmpeg.accel` value for `target`: the Compose hwaccel choice; Kubernetes gets no device, so none. */
export function ffmpegAccel(spec: Pick<ImmichFamilySpec, "targets">, target: Target): FfmpegAccel {
  if (target === "kubernetes") return "disabled";
  return transcodingAccel(spec.targets.compose?.hwaccel ?? "cpu");
}

/** Immich's own periodic library scan: on (with the first such cron) only when a library asks for it. */
export function immichLibraryScan(spec: Pick<ImmichFamilySpec, "libraries">): { enabled: boolean; cronExpression?: string } {
  const byImmich = Object.values(spec.libraries).find((lib) => lib.rescan.by === "immich");
  return byImmich ? { enabled: true, cronExpression: byImmich.rescan.cron } : { enabled: false };
}

/** `${KEY}` for a secret reference, the literal for a value. */
function placeholder(v: ValueOrSecret): string {
  return "key" in v ? `\${${v.key}}` : v.value;
}

/** The OAuth leaves: the issuer of the preset, the client as placeholders, the mobile relay on the hosts; `allowInsecureRequests` only on lines whose config has it. */
function oauthLeaves(oauth: OAuth, { spec, defaults }: ForwardContext): ConfigLeaf[] {
  const issuerUrl = oauthIssuerUrl(oauth);
  if (!issuerUrl) throw new Error(`auth.oauth: the ${oauth.preset} preset needs ${oauth.preset === "entra" ? "tenantId or " : ""}issuerUrl`);
  const mobile = oauthMobileRedirect(oauth);
  const insecure = issuerUrl.startsWith("http://") && configValue(defaults, ["oauth", "allowInsecureRequests"]) !== undefined;
  const leaves: [string, unknown][] = [
    ["enabled", true],
    ["issuerUrl", issuerUrl],
    ["clientId", placeholder(oauth.clientId)],
    ["clientSecret", placeholder(oauth.clientSecret)],
    ["scope", oauth.scope],
    ["autoRegister", oauth.autoRegister],
    ["autoLaunch", oauth.autoLaunch],
    ["mobileOverrideEnabled", mobile],
    ...(mobile ? [["mobileRedirectUri", oauthRedirectUris(spec).mobileRelay] as [string, unknown]] : []),
    ...(oauth.buttonText === undefined ? [] : [["buttonText", oauth.buttonText] as [string, unknown]]),
    ...(oauth.roleClaim === undefined ? [] : [["roleClaim", oauth.roleClaim] as [string, unknown]]),
    ...(insecure ? [["allowInsecureRequests", true] as [string, unknown]] : []),
  ];
  return leaves.map(([key, value]) => [["oauth", key], value]);
}

/** The host of the server's OAuth mobile relay, when OAuth is on and the relay is this tool's shape. */
function mobileRelayOf(config: ConfigReader): string | undefined {
  if (config.value(["oauth", "enabled"]) !== true) return undefined;
  return /^https:\/\/([^/]+)\/api\/oauth\/mobile-redirect\/?$/.exec(String(config.value(["oauth", "mobileRedirectUri"]) ?? ""))?.[1]?.toLowerCase();
}

/**
 * `auth.oauth`: the preset read back from the issuer; the client secret comes back as its placeholder,
 * never as a value; button text and role claim only when they differ from the defaults.
 */
const OAUTH: ConfigSetting = {
  spec: ["auth", "oauth"],
  keys: [
    "oauth.enabled",
    "oauth.issuerUrl",
    "oauth.clientId",
    "oauth.clientSecret",
    "oauth.scope",
    "oauth.mobileRedirectUri",
    "oauth.buttonText",
    "oauth.roleClaim",
  ],
  forward: (oauth, ctx) => oauthLeaves(oauth as OAuth, ctx),
  back: (config, ctx) => {
    if (config.value(["oauth", "enabled"]) !== true) return undefined;
    const o = (key: string) => config.value(["oauth", key]);
    const issuer = String(o("issuerUrl") ?? "");
    const entra = /^https:\/\/login\.microsoftonline\.com\/([^/]+)\/v2\.0\/?$/.test(issuer);
    const preset = hostOf(issuer) === "accounts.google.com" ? "google" : entra ? "entra" : "generic";
    const relayHost = mobileRelayOf(config);
    return {
      preset,
      ...(preset === "generic" || preset === "entra" ? { issuerUrl: issuer } : {}),
      clientId: String(o("clientId") ?? ""),
      clientSecret: ctx.secret("IMMICH_OAUTH_CLIENT_SECRET", "the OAuth client secret (Administration → Settings → OAuth)"),
      ...(o("scope") === "openid email profile" ? {} : { scope: o("scope") }),
      autoRegister: o("autoRegister") !== false,
      autoLaunch: o("autoLaunch") === true,
      mobileRedirect: o("mobileOverrideEnabled") === true,
      ...(relayHost ? { mobileRedirectHost: relayHost } : {}),
      ...(config.differs(["oauth", "buttonText"]) ? { buttonText: o("buttonText") } : {}),
      ...(config.differs(["oauth", "roleClaim"]) ? { roleClaim: o("roleClaim") } : {}),
    };
  },
};

/** `hosts.mobile`: rendered through `auth.oauth` (its mobile relay); read back from that relay when it is not the web host. */
const MOBILE_HOST: ConfigSetting = {
  spec: ["hosts", "mobile"],
  keys: [],
  forward: () => [],
  back: (config, ctx) => {
    const relayHost = mobileRelayOf(config);
    return relayHost && relayHost !== ctx.get(["hosts", "web"]) ? relayHost : undefined;
  },
};

/** `auth.passwordLogin`: whether the login page offers a password; import reads it always (it decides who can log in). */
const PASSWORD_LOGIN: ConfigSetting = {
  spec: ["auth", "passwordLogin"],
  keys: ["passwordLogin.enabled"],
  forward: (enabled) => [[["passwordLogin", "enabled"], enabled]],
  back: (config) => config.value(["passwordLogin", "enabled"]) !== false,
};

/** `storageTemplate`: on or off, and the template; imported when either differs from the defaults. */
const STORAGE_TEMPLATE: ConfigSetting = {
  spec: ["storageTemplate"],
  keys: ["storageTemplate.enabled", "storageTemplate.template"],
  forward: (value) => {
    const { enabled, template } = value as { enabled: boolean; template: string };
    return [
      [["storageTemplate", "enabled"], enabled],
      [["storageTemplate", "template"], template],
    ];
  },
  back: (config) => {
    const [enabled, template] = [config.value(["storageTemplate", "enabled"]), config.value(["storageTemplate", "template"])];
    if (enabled === undefined && template === undefined) return undefined;
    return config.differs(["storageTemplate", "enabled"]) || config.differs(["storageTemplate", "template"])
      ? { enabled: enabled === true, template }
      : undefined;
  },
};

/** `hosts.web`: the server's external domain, over HTTPS. */
const EXTERNAL_DOMAIN: ConfigSetting = {
  spec: ["hosts", "web"],
  keys: ["server.externalDomain"],
  forward: (web) => [[["server", "externalDomain"], `https://${web}`]],
  back: (config) => hostOf(String(config.value(["server", "externalDomain"]) ?? "")),
};

/** `libraries.<h>.rescan.by: immich`: Immich's own scan, on with the first such library's cron; Immich's watcher stays off. */
const LIBRARY_SCAN: ConfigSetting = {
  spec: ["libraries"],
  keys: ["library.scan.enabled", "library.scan.cronExpression", "library.watch.enabled"],
  forward: (libraries) => {
    const scan = immichLibraryScan({ libraries: libraries as ImmichFamilySpec["libraries"] });
    return [
      [["library", "scan", "enabled"], scan.enabled],
      ...(scan.cronExpression === undefined ? [] : [[["library", "scan", "cronExpression"], scan.cronExpression] as ConfigLeaf]),
      [["library", "watch", "enabled"], false],
    ];
  },
  // The libraries themselves come from the server's library list, read before: a server that scans gives each the scan's cron.
  back: (config, ctx) => {
    const libraries = ctx.get(["libraries"]) as Record<string, object> | undefined;
    if (config.value(["library", "scan", "enabled"]) !== true || !libraries) return undefined;
    const rescan = { by: "immich", cron: config.value(["library", "scan", "cronExpression"]) ?? "0 0 * * *" };
    return Object.fromEntries(Object.entries(libraries).map(([handle, lib]) => [handle, { ...lib, rescan }]));
  },
};

/** `machineLearning.enabled`: on with the URL of the machine learning service of the target, or off. */
const MACHINE_LEARNING: ConfigSetting = {
  spec: ["machineLearning", "enabled"],
  keys: ["machineLearning.enabled", "machineLearning.urls"],
  forward: (enabled, { spec, target }) =>
    enabled
      ? [
          [["machineLearning", "enabled"], true],
          [["machineLearning", "urls"], [machineLearningUrl(spec, target)]],
        ]
      : [[["machineLearning", "enabled"], false]],
  back: (config) => config.value(["machineLearning", "enabled"]) !== false,
};

/**
 * `targets`: the transcoding acceleration of the target (Compose's `hwaccel`; none on Kubernetes). Not
 * imported: the hardware is the new target's; a server's own choice stays in `immich.config`.
 */
const FFMPEG_ACCEL: ConfigSetting = {
  spec: ["targets"],
  keys: ["ffmpeg.accel"],
  forward: (_targets, { spec, target }) => [[["ffmpeg", "accel"], ffmpegAccel(spec, target)]],
  back: () => undefined,
};

/**
 * `database.superuser`: Immich's own database backup runs pg_dumpall, which needs a superuser role, so
 * without one it is turned off. Not imported: the role is the database's, not the server config's.
 */
const DATABASE_BACKUP: ConfigSetting = {
  spec: ["database", "superuser"],
  keys: ["backup.database.enabled"],
  forward: (superuser) => (superuser ? [] : [[["backup", "database", "enabled"], false]]),
  back: () => undefined,
};

/** The composite entries, in the order the rendered file lists their keys (before the plain ones). */
export const COMPOSITE_SETTINGS: readonly ConfigSetting[] = [
  OAUTH,
  PASSWORD_LOGIN,
  STORAGE_TEMPLATE,
  EXTERNAL_DOMAIN,
  MOBILE_HOST,
  LIBRARY_SCAN,
  MACHINE_LEARNING,
  FFMPEG_ACCEL,
  DATABASE_BACKUP,
];
