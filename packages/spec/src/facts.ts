// Immich's images and ports, the ffmpeg mapping, the containers' paths and commands, and the Kubernetes
// names the renderer writes and `import` reads: facts without the schema, also published as the
// entry `@family/immich-spec/facts` so a caller that needs only a fact (the CLI's argument defaults)
// does not load zod. Only type imports here, and zod-free modules.
import type { ComposeTarget, ImmichFamilySpec } from "./schema/spec.js";

export { escapeControl } from "./escape.js";

/** Repository of the Immich server image. */
export const IMMICH_SERVER_IMAGE = "ghcr.io/immich-app/immich-server";
/** Repository of the Immich machine-learning image. */
export const IMMICH_MACHINE_LEARNING_IMAGE = "ghcr.io/immich-app/immich-machine-learning";

/** The annotation by which an Ingress names the cert-manager ClusterIssuer of its certificate (`ingress.clusterIssuer`). */
export const CLUSTER_ISSUER_ANNOTATION = "cert-manager.io/cluster-issuer";

/** The CSI driver of csi-driver-nfs, which mounts a library's NFS share on Kubernetes (`nfs.driver`'s default). */
export const NFS_CSI_DRIVER = "nfs.csi.k8s.io";

/** File name of the config template inside a rendered target folder. */
export const IMMICH_CONFIG_TEMPLATE = "immich-config.yaml.tmpl";

const CONFIG_DIR = "/config";

/** Where both renderers' containers keep things. */
export const CONTAINER_PATHS = {
  /** Immich's media location (`IMMICH_MEDIA_LOCATION`) unless `immich.mediaLocation` keeps an adopted install's. */
  media: "/data",
  /** The filled Immich config: the init step writes it, the server reads it (`IMMICH_CONFIG_FILE`). */
  configFile: `${CONFIG_DIR}/immich-config.yaml`,
  /** The folder of the filled config, writable by the init step only. */
  configDir: CONFIG_DIR,
  /** The folder the config template is mounted in, read-only, for the init step. */
  templateDir: "/template",
  /** The spec the worker reads. */
  workerSpecFile: "/etc/immich-family/worker-spec.yaml",
  /** The worker's state folder. */
  workerStateDir: "/state",
} as const;

/** Ports the server, machine learning, Redis/Valkey, Postgres, its metrics exporter and the worker listen on. */
export const PORTS = { server: 2283, machineLearning: 3003, redis: 6379, postgres: 5432, postgresMetrics: 9187, worker: 9464 } as const;

/** The worker's HTTP paths on `PORTS.worker`: alive, ready (503 while a sync keeps failing), Prometheus metrics. */
export const WORKER_ENDPOINTS = { health: "/healthz", ready: "/readyz", metrics: "/metrics" } as const;

/**
 * Immich's first-admin sign-up, `POST /api/auth/admin-sign-up`: it makes whoever calls it the admin while the
 * server has none. Every rendered proxy refuses it from outside. Immich's router matches it ignoring case and
 * a trailing slash; `pattern` (RE2 syntax, read by Traefik's `PathRegexp` and Envoy's `safe_regex`) also takes
 * repeated slashes and anything after it. It begins with `/`, as Kubernetes wants an Ingress path to.
 */
export const ADMIN_SIGN_UP = { path: "/api/auth/admin-sign-up", pattern: "/+(?i:api/+auth/+admin-sign-up)" } as const;

/**
 * The worker container's memory when the spec sets none. The bench (packages/worker/src/albums/README.md)
 * peaks at 114 MB RSS for a first sync of 100,000 assets and 129 MB for a deep one under the image's heap
 * flags, and idles near 104 MB: request what it idles at, limit at twice the worst.
 */
export const WORKER_MEMORY = { request: "128Mi", limit: "256Mi" } as const;

/** Size of the worker's writable `/tmp`, the one writable path beside its state on a read-only root. */
export const WORKER_TMP_SIZE = "64Mi";

type MlAcceleration = ImmichFamilySpec["machineLearning"]["acceleration"];
type Transcoding = NonNullable<ComposeTarget["hwaccel"]>;

/** Immich's `ffmpeg.accel` values. */
export type FfmpegAccel = "nvenc" | "qsv" | "vaapi" | "rkmpp" | "disabled";

/** The `ffmpeg.accel` value of the Immich config that matches a Compose transcoding mode. */
export function transcodingAccel(mode: Transcoding): FfmpegAccel {
  return mode === "cpu" ? "disabled" : mode === "quicksync" ? "qsv" : mode;
}

/** Image tag suffix of immich-machine-learning for an acceleration: none for `cpu`, else `-<acceleration>`. */
export function mlImageSuffix(acceleration: MlAcceleration): string {
  return acceleration === "cpu" ? "" : `-${acceleration}`;
}

/** The server image the spec pins. */
export function immichServerImage(spec: Pick<ImmichFamilySpec, "immich">): string {
  return `${IMMICH_SERVER_IMAGE}:${spec.immich.version}`;
}

/** The machine-learning image the spec pins, with the suffix of its acceleration. */
export function machineLearningImage(spec: Pick<ImmichFamilySpec, "immich" | "machineLearning">): string {
  return `${IMMICH_MACHINE_LEARNING_IMAGE}:${spec.immich.version}${mlImageSuffix(spec.machineLearning.acceleration)}`;
}

/** What the init step runs after `immich-family`: the mounted template filled from the environment into the config file. */
export const CONFIG_FILL_ARGS: readonly string[] = [
  "config",
  "fill",
  "--template",
  `${CONTAINER_PATHS.templateDir}/${IMMICH_CONFIG_TEMPLATE}`,
  "--out",
  CONTAINER_PATHS.configFile,
];

/** What the worker's container runs after `immich-family`. */
export const WORKER_ARGS: readonly string[] = [
  "worker",
  CONTAINER_PATHS.workerSpecFile,
  "--port",
  String(PORTS.worker),
  "--state-dir",
  CONTAINER_PATHS.workerStateDir,
];

/** The environment variable `immich-family backup check` reads the restored database's URL from (a Kubernetes drill Job sets it from the recovery Cluster's app Secret). */
export const DRILL_DATABASE_URL_ENV = "DRILL_DATABASE_URL";

/** What a Kubernetes restore drill's Job runs after `immich-family`: the checks of the mounted spec against the restored database. */
export const DRILL_CHECK_ARGS: readonly string[] = ["backup", "check", CONTAINER_PATHS.workerSpecFile];
