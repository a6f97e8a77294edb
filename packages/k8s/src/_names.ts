import { type ImmichFamilySpec, type KubernetesTarget, kubernetesMachineLearningService } from "@family/immich-spec";
import { Chart } from "cdk8s";
import type { Construct } from "constructs";

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
  /** The Ingress of the web UI, behind the SSO gate. */
  readonly webIngress: string;
  /** The public Ingress of `/api` and `/.well-known/immich`. */
  readonly apiIngress: string;
  /** The Ingress that refuses Immich's first-admin sign-up on every host. */
  readonly adminSignUpIngress: string;
  /** The NetworkPolicy guarding one component's pods. */
  readonly networkPolicy: (component: string) => string;
}

/** What every construct of one install shares: the object names and what the labels say. */
export interface InstallContext {
  /** Object names: `objectNames(spec, target)`. */
  readonly names: Names;
  /** `app.kubernetes.io/instance` of every object: the spec's `metadata.name`. */
  readonly instance: string;
  /** `app.kubernetes.io/version` of every object: the Immich version. */
  readonly version: string;
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
    webIngress: `${n}-web`,
    apiIngress: `${n}-api`,
    adminSignUpIngress: `${n}-admin-sign-up`,
    networkPolicy: (component) => `${n}-${component}`,
  };
}

/** What an application composing the constructs may change of an install: its namespace and object names. */
export interface InstallOverrides {
  /** The namespace the objects land in (a Chart with its own namespace still wins). @default `targets.kubernetes.namespace` */
  readonly namespace?: string | undefined;
  /**
   * Object names instead of the spec's; the other constructs refer to these (the server reaches Redis
   * by `names.redis`). `clusterAppSecret` and `clusterRwService` follow an overridden `cluster`.
   * @default the names `objectNames(spec, target)` gives
   */
  readonly names?: Partial<Omit<Names, "namespace">> | undefined;
}

/** The names and label values every construct of the spec's install on `target` shares, with `overrides` applied. */
export function installContext(spec: ImmichFamilySpec, target: KubernetesTarget, overrides: InstallOverrides = {}): InstallContext {
  const base = names(spec, target);
  const cluster = overrides.names?.cluster ?? base.cluster;
  return {
    names: {
      ...base,
      clusterAppSecret: `${cluster}-app`,
      clusterRwService: `${cluster}-rw`,
      ...overrides.names,
      namespace: overrides.namespace ?? base.namespace,
    },
    instance: spec.metadata.name,
    version: spec.immich.version,
  };
}

/** The install as built under `scope`: when the enclosing Chart has a namespace, the objects land there. */
export function inScope(scope: Construct, install: InstallContext): InstallContext {
  const { namespace } = Chart.of(scope);
  return namespace === undefined || namespace === install.names.namespace ? install : { ...install, names: { ...install.names, namespace } };
}
