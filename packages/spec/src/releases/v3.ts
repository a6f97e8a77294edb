import v3ConfigSchema from "../../schema/immich-config/immich-config.v3.strict.schema.json" with { type: "json" };
import type { ImmichConfigSchema } from "../immich-config/config-schema.js";
import type { ImmichLine } from "./release-line.js";

const BLOG = "immich.app/blog/v3-migration";
const VALIDATOR = "checked against Immich v3.1.0's own config validator";
const SERVER = "seen on a running v3.1.0 server";

/** Immich v3.x: the current line. */
export const v3: ImmichLine<3> = {
  major: 3,
  newest: "v3.1.0",
  configSchema: v3ConfigSchema as ImmichConfigSchema,
  database: {
    postgres: ">=14 <19",
    vectorChord: ">=0.3.0 <2.0.0 (unchanged from late v2.x)",
    refused: [
      "pgvecto.rs: support is removed, DB_VECTOR_EXTENSION=pgvecto.rs is fatal at start, and a database still on it must first be migrated by a v2.x server",
    ],
    images: "unchanged: the rendered database images carry VectorChord only, so moving from v2.x changes no database image",
  },
  mobileApp: {
    minimum: "v3.0.0",
    note: "the apps warn when their major version is behind the server's; v3.0.1 fixed albums for v2 apps, but the v3 notes give no older app as supported",
    source: "Immich mobile app, lib/utils/version_compatibility.dart; v3.0.1 release notes",
  },
  breaking: [
    {
      area: "config",
      change: "ffmpeg audio codec `libopus` is now `opus`: a v2 config file listing `libopus` is fatal at start",
      handling: "the rendered config sets no audio codec; a config kept outside the spec must say `opus`",
      source: VALIDATOR,
    },
    {
      area: "config",
      change:
        "16 keys added, none removed: ffmpeg.realtime.*, integrityChecks.*, job.integrityCheck, newVersionCheck.channel, oauth.allowInsecureRequests, oauth.prompt, oauth.endSessionEndpoint",
      handling: "left out of the rendered config, so Immich's defaults apply (a new nightly integrity check reads every external file: extra NAS I/O)",
      source: VALIDATOR,
    },
    {
      area: "config",
      change: "cron expressions are checked even when their job is disabled",
      handling: "the rendered config writes a scan cron only for libraries rescanned by Immich, and `validate` checks it (rule immich-cron)",
      source: VALIDATOR,
    },
    {
      area: "config",
      change: "`machineLearning.urls: []` is fatal, even with machine learning off",
      handling: "the rendered config writes urls only with machine learning on, never an empty list",
      source: VALIDATOR,
    },
    {
      area: "config",
      change: "a URL without a scheme (e.g. accounts.google.com as the OAuth issuer) is fatal",
      handling: "the spec requires the scheme; externalDomain and the preset issuers are rendered with https://",
      source: `${VALIDATOR}; ${BLOG}`,
    },
    {
      area: "config",
      change: "numbers written as strings are fatal for most numeric keys",
      handling: "the rendered config writes no number as a string",
      source: VALIDATOR,
    },
    {
      area: "config",
      change: "oauth.allowInsecureRequests defaults to false: an http:// issuer fails discovery",
      handling: "the rendered config sets allowInsecureRequests: true on v3 when the issuer is http://",
      source: BLOG,
    },
    {
      area: "api",
      change:
        "albums: the `shared` query parameter is now `isShared` (the old one is silently ignored); GET /albums without parameters also lists albums shared with you",
      handling: "the worker lists albums without that parameter and reads each album's owner in either shape",
      source: SERVER,
    },
    {
      area: "api",
      change: "albums: responses lost `owner`, `ownerId` and `assets`; the owner is the `albumUsers` entry with role `owner`; `withoutAssets` is gone",
      handling: "the worker takes the owner from `albumUsers` on v3 and from `ownerId` on v2",
      source: SERVER,
    },
    {
      area: "api",
      change: "libraries: PUT /libraries/{id} is deprecated for PATCH",
      handling: "the worker still updates libraries with PUT (through @immich/sdk), which v3 keeps serving",
      source: "Immich v3.1.0's OpenAPI spec",
    },
    {
      area: "api",
      change: "validation errors have a new body (zod), and the correlation id moved to the X-Correlation-ID header",
      handling: "the worker reports the server's message in both shapes",
      source: BLOG,
    },
    {
      area: "env",
      change: "IMMICH_MACHINE_LEARNING_ENABLED is gone (machine learning on/off is the config key machineLearning.enabled)",
      handling: "not rendered; the config file carries machineLearning.enabled",
      source: VALIDATOR,
    },
    {
      area: "env",
      change: "DB_VECTOR_EXTENSION=pgvecto.rs is fatal",
      handling: "the renderers set DB_VECTOR_EXTENSION to vectorchord",
      source: BLOG,
    },
    {
      area: "env",
      change:
        "removed: IMMICH_MACHINE_LEARNING_PING_TIMEOUT (now machineLearning.availabilityChecks.timeout), MACHINE_LEARNING_PRELOAD__CLIP and MACHINE_LEARNING_PRELOAD__FACIAL_RECOGNITION (now split by model part); new: IMMICH_HELMET_FILE",
      handling: "none of them is rendered; remove them from env files kept beside the rendered ones",
      source: BLOG,
    },
    {
      area: "database",
      change: "pgvecto.rs support is removed",
      handling: "installs rendered by this tool use VectorChord; an adopted install must show `vchord` and no `vectors` in pg_extension before the upgrade",
      source: BLOG,
    },
    {
      area: "machine-learning",
      change: "x86 CPUs must support x86-64-v2 (numpy); AVX is not required",
      handling: "nothing to render; nearly every x86 CPU since 2010 qualifies",
      source: BLOG,
    },
    {
      area: "metrics",
      change: "exported metric names use dots instead of underscores",
      handling: "dashboards and alerts on the server's metrics (ports 8081/8082) must be updated by hand",
      source: BLOG,
    },
    {
      area: "jobs",
      change: "the AuditLogCleanup job is removed",
      handling: "nothing to do; the rendered config does not name it",
      source: BLOG,
    },
    {
      area: "mobile",
      change: "the legacy timeline of the mobile app is removed",
      handling: "members update the apps; see the minimum app version",
      source: BLOG,
    },
  ],
  manualSteps: {
    before: [
      "Make sure the database uses VectorChord: `SELECT extname FROM pg_extension;` lists vchord and not vectors (an install adopted from elsewhere may still be on pgvecto.rs; let a v2.x server migrate it first).",
      "Remove env vars v3 no longer reads from env files kept beside the rendered ones (IMMICH_MACHINE_LEARNING_ENABLED, IMMICH_MACHINE_LEARNING_PING_TIMEOUT, MACHINE_LEARNING_PRELOAD__CLIP, MACHINE_LEARNING_PRELOAD__FACIAL_RECOGNITION).",
    ],
    after: [
      "Update the mobile apps to v3.x (the apps warn when they are a major version behind the server).",
      "If something scrapes the server's metrics, rename the metrics in its dashboards and alerts (underscores became dots).",
    ],
  },
};
