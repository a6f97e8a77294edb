import { z } from "zod";
import { CONTAINER_PATHS } from "../facts.js";
import {
  absolutePath,
  duration,
  handle,
  hostname,
  imageRef,
  immichVersion,
  ipOrCidr,
  optionalSecretRef,
  quantity,
  resources,
  secretRef,
  SUPPORTED_IMMICH_TEXT,
  timeZone,
  valueOrSecret,
} from "./primitives.js";

export const immich = z
  .strictObject({
    version: immichVersion.describe(
      `The Immich release to run, pinned, on a supported line: ${SUPPORTED_IMMICH_TEXT}. Its line selects the config schema and API the tool renders for.`,
    ),
    timezone: timeZone.optional().describe("TZ for the server: an IANA time zone, e.g. Europe/Berlin."),
    trustedProxies: z.array(ipOrCidr).optional().describe("IMMICH_TRUSTED_PROXIES: addresses or CIDRs of the reverse proxies."),
    mediaLocation: absolutePath
      .optional()
      .describe(
        `IMMICH_MEDIA_LOCATION, the media folder inside the server container. Keep an adopted install's (e.g. /usr/src/app/upload): the database stores paths under it. @default ${CONTAINER_PATHS.media}`,
      ),
    environment: z
      .record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "expected an environment variable name such as IMMICH_LOG_LEVEL"), z.string())
      .optional()
      .describe(
        "Extra non-secret environment of the server (e.g. IMMICH_LOG_LEVEL: verbose). Not the variables the render sets itself, and no secrets (those are the spec's secret-key fields).",
      ),
    versionCheck: z.boolean().optional().describe("newVersionCheck.enabled: look for new Immich releases. @default Immich's (true)"),
    reverseGeocoding: z.boolean().optional().describe("reverseGeocoding.enabled: place names from GPS. @default Immich's (true)"),
    map: z
      .strictObject({
        enabled: z.boolean().optional().describe("@default Immich's (true)"),
        lightStyle: z.url().optional().describe("Map tiles style URL, light theme."),
        darkStyle: z.url().optional().describe("Map tiles style URL, dark theme."),
      })
      .optional()
      .describe("The map and its tiles (map.*)."),
    trashDays: z.int().nonnegative().optional().describe("Days deleted assets stay in the trash; 0 turns the trash off. @default Immich's (30)"),
    userDeleteDelay: z.int().min(1).optional().describe("user.deleteDelay: days before a deleted user is purged. @default Immich's (7)"),
    loginPageMessage: z.string().optional().describe("server.loginPageMessage: shown on the login page."),
    templates: z
      .strictObject({
        welcome: z.string().optional().describe("templates.email.welcomeTemplate"),
        albumInvite: z.string().optional().describe("templates.email.albumInviteTemplate"),
        albumUpdate: z.string().optional().describe("templates.email.albumUpdateTemplate"),
      })
      .optional()
      .describe("Email templates (templates.email.*)."),
    jobs: z
      .record(z.string().regex(/^[a-zA-Z]+$/), z.int().positive())
      .optional()
      .describe("Job concurrency by queue (job.<queue>.concurrency), e.g. thumbnailGeneration: 2."),
    config: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        "Any other Immich system-config keys, in Immich's own shape, deep-merged last over what the spec renders (objects merge, arrays replace). Checked against the pinned line's config schema. Secrets only as a whole-value placeholder naming a key of the secrets env file.",
      ),
  })
  .describe("The Immich release and server-wide settings.");

export const hosts = z
  .strictObject({
    web: hostname.describe("Host name of the web UI, e.g. photos.example.com."),
    mobile: hostname.optional().describe("Optional separate host for the mobile apps and the OAuth mobile relay, served without the SSO gate."),
  })
  .describe("The public host names.");

export const oauth = z
  .strictObject({
    preset: z.enum(["google", "entra", "generic"]).describe("Identity provider preset: google, entra (Microsoft Entra ID) or generic OIDC."),
    tenantId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9.-]*$/, "expected a tenant ID (a GUID) or a tenant domain such as contoso.onmicrosoft.com")
      .optional()
      .describe("entra: the Directory (tenant) ID; the issuer URL is derived from it."),
    issuerUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe("generic: the OIDC issuer URL (with scheme). Derived for google and entra."),
    clientId: valueOrSecret("The OAuth client id"),
    clientSecret: secretRef("IMMICH_OAUTH_CLIENT_SECRET", "The OAuth client secret"),
    scope: z.string().default("openid email profile").describe("OAuth scopes. @default openid email profile"),
    autoRegister: z.boolean().default(true).describe("Create an Immich account on a member's first OAuth login. @default true"),
    autoLaunch: z.boolean().default(false).describe("Skip the login page and go straight to the identity provider. @default false"),
    mobileRedirect: z
      .boolean()
      .optional()
      .describe(
        "Override the mobile redirect URI with the HTTPS relay /api/oauth/mobile-redirect. @default true for google and entra (they reject app.immich:///oauth-callback), false for generic",
      ),
    mobileRedirectHost: hostname.optional().describe("Host of the mobile relay; one of hosts.web or hosts.mobile. @default hosts.mobile, else hosts.web"),
    buttonText: z.string().min(1).optional().describe("Text of the login button."),
    roleClaim: z.string().min(1).optional().describe("ID-token claim holding 'admin' or 'user' (a scalar; Entra's array 'roles' claim is ignored by Immich)."),
  })
  .describe("Login through an OpenID Connect identity provider.");

export const auth = z
  .strictObject({
    passwordLogin: z.boolean().default(true).describe("Allow email and password login. @default true"),
    oauth: oauth.optional(),
  })
  .prefault({})
  .describe("How members log in.");

export const storageTemplate = z
  .strictObject({
    enabled: z.boolean().default(true).describe("@default true"),
    template: z.string().min(1).default("{{y}}/{{y}}-{{MM}}-{{dd}}/{{filename}}").describe("Storage template, e.g. {{y}}/{{MM}}/{{filename}}."),
  })
  .describe("Where Immich files uploaded originals, by template.");

export const memberPreferences = z
  .strictObject({
    folders: z.boolean().optional().describe("Folder view, in the web sidebar too (Immich: off)."),
    tags: z.boolean().optional().describe("Tags, in the web sidebar too (Immich: off)."),
    memories: z.boolean().optional().describe("Memories ('on this day') (Immich: on)."),
    people: z.boolean().optional().describe("People (faces) (Immich: on)."),
  })
  .describe("The member's Immich preferences the worker keeps as stated; one left out is left as the member set it.");

export const member = z
  .strictObject({
    name: z.string().min(1).describe("Display name."),
    email: z.email().describe("The member's login email (must match the OAuth email claim)."),
    admin: z.boolean().default(false).describe("@default false"),
    quota: quantity.optional().describe("Storage quota, e.g. 500Gi; unlimited when absent."),
    storageLabel: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "expected a folder name of letters, digits, '.', '_' and '-'")
      .max(128)
      .optional()
      .describe("Storage label: the folder of this member's uploads under the media folder. @default none (the user id)"),
    password: optionalSecretRef(
      "IMMICH_PASSWORD_ALICE",
      "Initial password of this member's account (changed at first login); for the first admin, the password bootstrap signs up with",
    ).optional(),
    apiKey: optionalSecretRef(
      "IMMICH_API_KEY_ALICE",
      "API key of this member, needed when the worker builds albums they own or shares their library with partners",
    ).optional(),
    preferences: memberPreferences.optional(),
    partners: z
      .array(handle)
      .optional()
      .describe("Members this member shares their whole library with (Immich partner sharing); made with this member's apiKey."),
  })
  .describe("A family member, keyed by a short handle used everywhere else in the spec.");

export const shareWith = z.strictObject({
  member: handle.describe("Handle of a declared member."),
  role: z.enum(["viewer", "editor"]).default("viewer").describe("@default viewer"),
});

const albumLevels = z
  .union([
    z.int().refine((n) => n !== 0, "album levels cannot be 0"),
    z.string().regex(/^-?[1-9][0-9]*,-?[1-9][0-9]*$/, "expected a range 'start,end' such as '2,3'"),
  ])
  .describe("Which folder levels name an album: N>0 counts from the library root, N<0 from the file's folder, 'start,end' a range. @default 1");

export const albumRules = z
  .strictObject({
    levels: albumLevels.default(1),
    separator: z.string().default(" ").describe("Joins the levels of a multi-level album name. @default ' '"),
    rename: z
      .array(z.strictObject({ pattern: z.string().min(1), replacement: z.string() }))
      .default([])
      .describe("Regex rewrites applied to album names in order."),
    include: z.array(z.string().min(1)).default([]).describe("Glob patterns of folders (relative to the library root) to build albums from; empty means all."),
    ignore: z.array(z.string().min(1)).default([]).describe("Glob patterns of folders to skip."),
    shareWith: z.array(shareWith).default([]).describe("Members every album is shared with."),
    albumprops: z.boolean().default(true).describe("Read .albumprops files in the library tree. @default true"),
    mode: z
      .enum(["add-only", "mirror"])
      .default("add-only")
      .describe("add-only never removes assets; mirror also removes assets no longer in the folder. @default add-only"),
    sortOrder: z.enum(["asc", "desc"]).optional(),
    visibility: z.enum(["timeline", "archive", "hidden", "locked"]).optional().describe("Visibility set on the album's assets."),
    commentsAndLikes: z.boolean().optional(),
    thumbnail: z.string().min(1).optional().describe("first, last, random, or a file name in the folder."),
  })
  .describe("Folder-based albums, in the vocabulary of immich-folder-album-creator.");

export const library = z
  .strictObject({
    name: z.string().min(1).optional().describe("Display name in Immich. @default the library's handle"),
    owner: handle.describe("Handle of the member who owns the library (cannot be changed later in Immich)."),
    path: absolutePath.describe("The path Immich (and the worker) see the library at inside their containers, e.g. /mnt/nas/photos."),
    importPaths: z.array(z.string().min(1)).optional().describe("Folders to import, absolute under `path` or relative to it. @default [path]"),
    exclusionPatterns: z.array(z.string().min(1)).default([]).describe("Glob patterns Immich skips, e.g. **/raw/**."),
    rescan: z
      .strictObject({
        by: z
          .enum(["worker", "immich", "none"])
          .default("worker")
          .describe("worker: poll for changes and rescan; immich: Immich's own cron scan; none. @default worker"),
        interval: duration.default("5m").describe("worker: how often to poll the tree. @default 5m"),
        cron: z.string().default("0 0 * * *").describe("immich: the scan cron expression. @default 0 0 * * *"),
      })
      .prefault({}),
    albums: albumRules.optional(),
  })
  .describe("An external (read-only) library.");

export const machineLearning = z
  .strictObject({
    enabled: z.boolean().default(true).describe("@default true"),
    acceleration: z.enum(["cpu", "cuda", "rocm", "openvino", "armnn", "rknn"]).default("cpu").describe("@default cpu"),
    resources: resources.optional(),
  })
  .prefault({})
  .describe("The machine-learning service (faces, smart search).");

/** A PostgreSQL database or role name, also part of a Kubernetes object name. */
const pgName = z
  .string()
  .regex(
    /^[a-z]([a-z0-9_]{0,61}[a-z0-9])?$/,
    "expected a lowercase name of letters, digits and '_', starting with a letter, ending with a letter or digit, at most 63 characters",
  );

export const database = z
  .strictObject({
    postgresMajor: z.int().min(14).max(18).default(16).describe("PostgreSQL major version. Never change it by tag on a running cluster. @default 16"),
    vectorExtension: z.enum(["vectorchord"]).default("vectorchord").describe("@default vectorchord"),
    vectorVersion: z
      .string()
      .regex(/^[0-9]+\.[0-9]+\.[0-9]+$/, "expected a version such as 0.3.0")
      .default("0.3.0")
      .describe("VectorChord version in the database image. @default 0.3.0"),
    name: pgName.default("immich").describe("@default immich"),
    user: pgName.default("immich").describe("@default immich"),
    password: secretRef("DB_PASSWORD", "The database password"),
    superuser: z
      .boolean()
      .default(true)
      .describe(
        "true: the app role is SUPERUSER, so Immich manages its extensions and its own DB backup. false: extensions are pre-created in the app database, the role stays a plain owner and Immich's DB backup is turned off. @default true",
      ),
  })
  .prefault({})
  .describe("The PostgreSQL database with VectorChord.");

export const redis = z
  .strictObject({
    password: optionalSecretRef("REDIS_PASSWORD", "The Redis/Valkey password; none when absent").optional(),
  })
  .prefault({})
  .describe("The Redis-compatible job queue (Valkey).");

export const worker = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Deploy the scan/album worker. @default true"),
    image: imageRef.optional().describe("Worker image. @default the release matching this tool"),
    apiKey: secretRef("IMMICH_API_KEY", "Admin API key the worker uses for libraries"),
    debounce: duration.default("30s").describe("Wait this long after the last change before a rescan. @default 30s"),
    albums: z
      .strictObject({
        interval: duration
          .default("15m")
          .describe(
            "How often the service syncs folder albums even when no file changed, reading only what changed since (undoes sharing drift, re-creates deleted albums). @default 15m",
          ),
        deepInterval: duration.default("24h").describe("How often that sync reads every asset and every album's photos instead. @default 24h"),
      })
      .prefault({})
      .describe("The service's folder-album syncs; one also runs at start and after each scan."),
    members: z
      .strictObject({
        interval: duration
          .default("5m")
          .describe(
            "How often the service makes the family's accounts match `members` (undoes an admin flag, quota or name changed in the web UI). @default 5m",
          ),
        deepInterval: duration.default("24h").describe("How often that sync also reads every member's preferences and partner shares. @default 24h"),
      })
      .prefault({})
      .describe("The service's member syncs; one also runs at start, before the libraries."),
  })
  .prefault({})
  .describe("The scan/album worker.");

export { handle };
