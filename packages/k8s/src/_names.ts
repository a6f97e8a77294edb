import { type ImmichFamilySpec, type KubernetesTarget, kubernetesMachineLearningService } from "@family/immich-spec";

export { PORTS } from "@family/immich-spec";

/** The stable, `metadata.name`-prefixed names of every rendered object. */
export interface Names {
  /** The namespace every namespaced object lands in. */
  readonly namespace: string;
  /** The CloudNativePG Cluster. @default `<name>-postgres` */
  readonly cluster: string;
  /** The Secret CloudNativePG generates for the app role. */
  readonly clusterAppSecret: string;
  /** The read-write Service CloudNativePG maintains. */
  readonly clusterRwService: string;
  /** Redis/Valkey Deployment and Service. */
  readonly redis: string;
  /** Machine-learning Deployment and Service. */
  readonly machineLearning: string;
  /** Server Deployment and Service. */
  readonly server: string;
  /** The upload PersistentVolumeClaim. @default `<name>-upload` */
  readonly upload: string;
  /** The ConfigMap holding the Immich config template. */
  readonly configTemplate: string;
  /** Worker Deployment. */
  readonly worker: string;
  /** The ConfigMap holding the worker's copy of the spec. */
  readonly workerSpec: string;
  /** The Secret holding every key of the secrets env file. */
  readonly secret: string;
  /** The PersistentVolume and claim of the library with this handle. */
  readonly library: (handle: string) => string;
}

/** The names of every object rendered for `spec` on `target`. */
export function names(spec: ImmichFamilySpec, target: KubernetesTarget): Names {
  const n = spec.metadata.name;
  const cluster = target.database.clusterName ?? `${n}-postgres`;
  return {
    namespace: target.namespace,
    cluster,
    clusterAppSecret: `${cluster}-app`,
    clusterRwService: `${cluster}-rw`,
    redis: `${n}-redis`,
    machineLearning: kubernetesMachineLearningService(spec),
    server: `${n}-server`,
    upload: target.upload.claimName ?? `${n}-upload`,
    configTemplate: `${n}-config-template`,
    worker: `${n}-worker`,
    workerSpec: `${n}-worker-spec`,
    secret: "existingSecret" in target.secrets ? target.secrets.existingSecret : `${n}-secrets`,
    library: (handle) => `${n}-library-${handle}`,
  };
}
