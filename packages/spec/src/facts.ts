// Immich's images and ports, the ffmpeg mapping, the containers' paths and commands, and the Kubernetes
// names the renderer writes and `import` reads: facts without the schema, also published as the
// entry `@family/immich-spec/facts` so a caller that needs only a fact (the CLI's argument defaults)
// does not load zod. Only type imports here.
import type { ComposeTarget, ImmichFamilySpec } from "./schema/spec.js";

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
