import { type ImmichFamilySpec, type KubernetesTarget, kubernetesMachineLearningService, MACHINE_LEARNING_PORT } from "@family/immich-spec";

/** Ports the rendered objects agree on. */
export const PORTS = { server: 2283, machineLearning: MACHINE_LEARNING_PORT, redis: 6379, postgres: 5432, worker: 9464 } as const;

/** The stable, `metadata.name`-prefixed names of every rendered object. */
export interface Names {
  readonly namespace: string;
  readonly cluster: string;
  /** The Secret CloudNativePG generates for the app role. */
  readonly clusterAppSecret: string;
  /** The read-write Service CloudNativePG maintains. */
  readonly clusterRwService: string;
  readonly redis: string;
  readonly machineLearning: string;
  readonly server: string;
  readonly upload: string;
  readonly configTemplate: string;
  readonly worker: string;
  readonly workerSpec: string;
  /** The Secret holding every key of the secrets env file. */
  readonly secret: string;
  readonly library: (handle: string) => string;
}

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
