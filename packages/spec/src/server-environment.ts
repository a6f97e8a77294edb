// The Immich server's environment, one entry per variable the render sets: read forward by both
// renderers (Kubernetes `EnvVar[]`, Compose's `environment:`), backward by import (a Compose
// folder's environment, a Kubernetes Deployment's `env`), and by the `server-environment` rule.
// Zod-free: only type imports and facts.
import { CONTAINER_PATHS, PORTS } from "./facts.js";
import type { SecretRef } from "./schema/primitives.js";
import type { ImmichFamilySpec } from "./schema/spec.js";

/** The spec sections the server's variables read; a construct used alone may leave any of them out. */
export interface ServerSettings {
  readonly immich?: Partial<ImmichFamilySpec["immich"]> | undefined;
  readonly database?: Partial<ImmichFamilySpec["database"]> | undefined;
  readonly redis?: Partial<ImmichFamilySpec["redis"]> | undefined;
}

/** Values each target supplies itself: where its services are and how it hands the database's credentials over. */
export interface TargetServerValues {
  readonly databaseHost: ServerEnvValue;
  readonly databasePort: ServerEnvValue;
  readonly databaseUser: ServerEnvValue;
  readonly databasePassword: ServerEnvValue;
  readonly databaseName: ServerEnvValue;
  readonly redisHost: ServerEnvValue;
  /** None when machine learning is off. */
  readonly machineLearningUrl: ServerEnvValue | undefined;
}

/**
 * A variable's value as a target writes it: a literal, or a key of a secret. Without `secret` the key is
 * one of the install's secrets env file (Kubernetes: the install's Secret; Compose: `${KEY}`); with it, a
 * key of that other Secret (Kubernetes only: CloudNativePG's `-app` Secret).
 */
export type ServerEnvValue = { readonly value: string } | { readonly secretKey: string; readonly secret?: string };

/** The ways a variable's value comes from the spec. */
type ServerEnvKind =
  /** The same value on every install. */
  | { readonly kind: "literal"; readonly value: string }
  /** A spec field (or a value derived from one); undefined leaves the variable out. */
  | { readonly kind: "field"; readonly value: (settings: ServerSettings) => string | undefined }
  /** A spec field naming a key of the secrets env file; undefined leaves the variable out. */
  | { readonly kind: "secret"; readonly key: (settings: ServerSettings) => SecretRef | undefined }
  /** A value the target supplies (a service name, its way of passing the database's credentials). */
  | { readonly kind: "target"; readonly value: keyof TargetServerValues };

/** How a variable's value comes from the spec; `field` names the spec field (or section) it belongs to, for messages. */
export type ServerEnvFrom = { readonly field: string } & ServerEnvKind;

/** What import makes of a running install's value: a spec value, a note, or nothing (the default). */
export type ImportedEnvValue = { readonly set: unknown } | { readonly note: string } | undefined;

/** How import maps a running install's value back into the spec. */
export type ServerEnvBack =
  /** Into a spec field; `parse` turns the text into the field's value. */
  | { readonly kind: "field"; readonly path: readonly string[]; readonly parse: (value: string) => ImportedEnvValue }
  /** A `${KEY}` becomes that secret reference at `path`, with what to fill it with; a literal is never copied. */
  | { readonly kind: "secret"; readonly path: readonly string[]; readonly what: string }
  /** Nothing to keep: the render derives it (`why`), and import reads the service or file it points at instead. */
  | { readonly kind: "derived"; readonly why: string };

/** One variable of the server's environment. */
export interface ServerEnvVar {
  readonly name: string;
  readonly from: ServerEnvFrom;
  /** Whether its value is a secret: never rendered as a value, never imported as one. */
  readonly secret: boolean;
  readonly back: ServerEnvBack;
}

const asIs = (value: string): ImportedEnvValue => (value === "" ? undefined : { set: value });

/** Every variable the render sets on the Immich server, in the order the Kubernetes Deployment lists them. */
export const SERVER_ENVIRONMENT: readonly ServerEnvVar[] = [
  {
    name: "DB_HOSTNAME",
    from: { kind: "target", field: "database", value: "databaseHost" },
    secret: false,
    back: { kind: "derived", why: "the database service's name" },
  },
  { name: "DB_PORT", from: { kind: "target", field: "database", value: "databasePort" }, secret: false, back: { kind: "derived", why: "PostgreSQL's port" } },
  {
    name: "DB_USERNAME",
    from: { kind: "target", field: "database", value: "databaseUser" },
    secret: false,
    back: { kind: "derived", why: "database.user, read from the database service (POSTGRES_USER) or the CloudNativePG Cluster" },
  },
  {
    name: "DB_PASSWORD",
    from: { kind: "target", field: "database", value: "databasePassword" },
    secret: true,
    back: { kind: "secret", path: ["database", "password"], what: "the current database password (from the old .env); it cannot change without ALTER ROLE" },
  },
  {
    name: "DB_DATABASE_NAME",
    from: { kind: "target", field: "database", value: "databaseName" },
    secret: false,
    back: { kind: "derived", why: "database.name, read from the database service (POSTGRES_DB) or the CloudNativePG Cluster" },
  },
  {
    name: "DB_VECTOR_EXTENSION",
    from: { kind: "field", field: "database.vectorExtension", value: (s) => s.database?.vectorExtension ?? "vectorchord" },
    secret: false,
    back: {
      kind: "field",
      path: ["database", "vectorExtension"],
      parse: (v) => (v === "" || v === "vectorchord" ? undefined : { note: `the server's DB_VECTOR_EXTENSION=${v}: the spec runs VectorChord only` }),
    },
  },
  {
    name: "REDIS_HOSTNAME",
    from: { kind: "target", field: "redis", value: "redisHost" },
    secret: false,
    back: { kind: "derived", why: "the Redis service's name" },
  },
  { name: "REDIS_PORT", from: { kind: "literal", field: "redis", value: String(PORTS.redis) }, secret: false, back: { kind: "derived", why: "Redis's port" } },
  {
    name: "REDIS_PASSWORD",
    from: { kind: "secret", field: "redis.password", key: (s) => s.redis?.password },
    secret: true,
    back: { kind: "secret", path: ["redis", "password"], what: "the Redis/Valkey password (as in the old .env)" },
  },
  {
    name: "IMMICH_MACHINE_LEARNING_URL",
    from: { kind: "target", field: "machineLearning", value: "machineLearningUrl" },
    secret: false,
    back: { kind: "derived", why: "machineLearning.enabled, read from the machine-learning service" },
  },
  {
    name: "IMMICH_MEDIA_LOCATION",
    from: { kind: "field", field: "immich.mediaLocation", value: (s) => s.immich?.mediaLocation ?? CONTAINER_PATHS.media },
    secret: false,
    back: { kind: "field", path: ["immich", "mediaLocation"], parse: (v) => (v === CONTAINER_PATHS.media ? undefined : asIs(v)) },
  },
  {
    name: "IMMICH_CONFIG_FILE",
    from: { kind: "literal", field: "the rendered config file", value: CONTAINER_PATHS.configFile },
    secret: false,
    back: { kind: "derived", why: "the rendered config file; import --server reads the settings it held" },
  },
  {
    name: "IMMICH_TRUSTED_PROXIES",
    from: { kind: "field", field: "immich.trustedProxies", value: (s) => (s.immich?.trustedProxies?.length ? s.immich.trustedProxies.join(",") : undefined) },
    secret: false,
    back: {
      kind: "field",
      path: ["immich", "trustedProxies"],
      parse: (v) => {
        const list = v
          .split(",")
          .map((p) => p.trim())
          .filter(Boolean);
        return list.length > 0 ? { set: list } : undefined;
      },
    },
  },
  {
    name: "TZ",
    from: { kind: "field", field: "immich.timezone", value: (s) => s.immich?.timezone },
    secret: false,
    back: { kind: "field", path: ["immich", "timezone"], parse: asIs },
  },
];

/** Variables the render does not set but that belong to a section of the spec: `immich.environment` must not set them. */
const RESERVED: readonly [RegExp, string][] = [
  [/^IMMICH_MACHINE_LEARNING_ENABLED$/, "machineLearning.enabled"],
  [/^DB_/, "database"],
  [/^REDIS_/, "redis"],
];

/** The table's entry for a variable. */
export function serverEnvVar(name: string): ServerEnvVar | undefined {
  return SERVER_ENVIRONMENT.find((e) => e.name === name);
}

/** The spec field a server variable is rendered from (or belongs to), when the render owns it. */
export function serverEnvOwner(name: string): string | undefined {
  const entry = serverEnvVar(name);
  return entry ? entry.from.field : RESERVED.find(([re]) => re.test(name))?.[1];
}

/**
 * The server's environment on a target, in the table's order, then `immich.environment` (skipping what
 * the table set: the `server-environment` rule refuses those in a spec).
 */
export function serverEnvironmentOf(settings: ServerSettings, target: TargetServerValues): { readonly name: string; readonly value: ServerEnvValue }[] {
  const out: { name: string; value: ServerEnvValue }[] = [];
  for (const entry of SERVER_ENVIRONMENT) {
    const value = envValueOf(entry.from, settings, target);
    if (value) out.push({ name: entry.name, value });
  }
  for (const [name, value] of Object.entries(settings.immich?.environment ?? {})) if (!out.some((e) => e.name === name)) out.push({ name, value: { value } });
  return out;
}

function envValueOf(from: ServerEnvFrom, settings: ServerSettings, target: TargetServerValues): ServerEnvValue | undefined {
  switch (from.kind) {
    case "literal":
      return { value: from.value };
    case "field": {
      const value = from.value(settings);
      return value === undefined ? undefined : { value };
    }
    case "secret": {
      const ref = from.key(settings);
      return ref ? { secretKey: ref.key } : undefined;
    }
    case "target":
      return target[from.value];
  }
}
