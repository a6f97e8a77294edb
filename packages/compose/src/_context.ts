import {
  COMPOSE_MACHINE_LEARNING_SERVICE,
  CONTAINER_PATHS,
  type ComposeTarget,
  IMMICH_CONFIG_TEMPLATE,
  type ImmichFamilySpec,
  type SecretReader,
  secretKeys,
} from "@family/immich-spec";

/** Service names, as seed 002 names them. */
export const SERVICE = {
  init: "immich-init",
  server: "immich-server",
  machineLearning: COMPOSE_MACHINE_LEARNING_SERVICE,
  redis: "immich-redis",
  database: "immich-db",
  backup: "immich-db-backup",
  exporter: "immich-db-exporter",
  drill: "immich-backup-drill",
  worker: "immich-worker",
} as const;

/** Network keys inside compose.yaml (their Docker names come from the spec). */
export const NETWORK = { frontend: "frontend", backend: "backend", egress: "egress" } as const;

/** Where things sit inside the containers. */
export const IN_CONTAINER = {
  media: CONTAINER_PATHS.media,
  modelCache: "/cache",
  backups: "/backup",
  config: CONTAINER_PATHS.configDir,
  configFile: CONTAINER_PATHS.configFile,
  templateDir: CONTAINER_PATHS.templateDir,
  workerSpecFile: CONTAINER_PATHS.workerSpecFile,
  workerState: CONTAINER_PATHS.workerStateDir,
} as const;

/**
 * Every file the Compose renderer can write, by role: the closed set of names render may own in a
 * Compose folder. The worker's copy of the spec is named for what it is, never like the user's spec.
 */
export const COMPOSE_FILES = {
  compose: "compose.yaml",
  configTemplate: IMMICH_CONFIG_TEMPLATE,
  envExample: ".env.example",
  readme: "README.md",
  workerSpec: "worker-spec.yaml",
} as const;

/**
 * Names earlier releases wrote that this one no longer does: the worker's spec copy was
 * `immich-family.yaml`, the name `init` gives the user's own spec, so render never touches it again.
 */
export const COMPOSE_FORMER_FILES: readonly string[] = ["immich-family.yaml"];

const NAMES: ReadonlySet<string> = new Set(Object.values(COMPOSE_FILES));

/** Whether `path` (relative to the folder) is a file the Compose renderer can write. */
export function isComposeFile(path: string): boolean {
  return NAMES.has(path);
}

/** The copy of the spec the worker reads, beside compose.yaml. */
export const SPEC_COPY = COMPOSE_FILES.workerSpec;
export const WORKER_STATE_VOLUME = "worker-state";
/** Keys in compose.yaml of an adopted install's external named volumes (`targets.compose.volumes`). */
export const ADOPTED_VOLUME = { database: "database", modelCache: "model-cache" } as const;

/** What every service builder needs. */
export interface RenderContext {
  readonly spec: ImmichFamilySpec;
  readonly compose: ComposeTarget;
  readonly project: string;
  readonly toolVersion: string;
  /** `uid:gid`, a literal from the spec (env_file values never reach `user:`; `.env` would, but the spec says it once). */
  readonly user: string;
  /** Service names: the defaults, or an adopted install's (`targets.compose.services`). */
  readonly services: Record<keyof typeof SERVICE, string>;
  /** IMMICH_MEDIA_LOCATION and the media mount inside the containers. */
  readonly media: string;
}

export function renderContext(spec: ImmichFamilySpec, toolVersion: string): RenderContext {
  const compose = spec.targets.compose;
  if (!compose) throw new Error("the spec declares no compose target (targets.compose)");
  const keep = compose.services ?? {};
  const services = {
    ...SERVICE,
    ...(keep.server ? { server: keep.server } : {}),
    ...(keep.machineLearning ? { machineLearning: keep.machineLearning } : {}),
    ...(keep.redis ? { redis: keep.redis } : {}),
    ...(keep.database ? { database: keep.database } : {}),
  };
  return {
    spec,
    compose,
    project: compose.projectName ?? spec.metadata.name,
    toolVersion,
    user: `${compose.user.uid}:${compose.user.gid}`,
    services,
    media: spec.immich.mediaLocation ?? IN_CONTAINER.media,
  };
}

/** A secret as a Compose interpolation that fails `docker compose up` when the key is missing. */
export function secretVar(ctx: RenderContext, key: string): string {
  return `\${${key}:?set ${key} in ${ctx.compose.envFile}}`;
}

/**
 * The env entries of the keys `reader` reads under their own names (`secretKeys` decides who reads what),
 * each a required interpolation, except the worker's own key: left empty, the worker bootstraps and
 * keeps a key of its own (so `docker compose up` works before anyone has made one).
 */
export function secretEnv(ctx: RenderContext, reader: SecretReader): Record<string, string> {
  return Object.fromEntries(
    secretKeys(ctx.spec, "compose")
      .filter((k) => k.readers.includes(reader))
      .map((k) => [k.key, reader === "worker" && k.key === ctx.spec.worker.apiKey.key ? `\${${k.key}:-}` : secretVar(ctx, k.key)]),
  );
}

/** The database's mount source: the adopted named volume's key, or the host folder. */
export function databaseSource(ctx: RenderContext): string {
  return ctx.compose.volumes?.database ? ADOPTED_VOLUME.database : ctx.compose.paths.database;
}

/** The model cache's mount source: the adopted named volume's key, or the host folder. */
export function modelCacheSource(ctx: RenderContext): string {
  return ctx.compose.volumes?.modelCache ? ADOPTED_VOLUME.modelCache : ctx.compose.paths.modelCache;
}

/** An image pinned to a digest too when the spec gives one. */
export function pinned(image: string, digest: string | undefined): string {
  return digest ? `${image}@${digest}` : image;
}

/** `container_name` when the spec keeps one. */
export function containerName(name: string | undefined): { container_name?: string } {
  return name ? { container_name: name } : {};
}

export function bind(source: string, target: string, readOnly = false): string {
  return `${source}:${target}${readOnly ? ":ro" : ""}`;
}
