import { createHash } from "node:crypto";
import { posix } from "node:path";
import { CONTAINER_PATHS, type KubernetesTarget, type Resources, WORKER_ARGS, WORKER_ENDPOINTS, WORKER_MEMORY, WORKER_TMP_SIZE } from "@family/immich-spec";
import { Construct } from "constructs";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import { deployment, workload } from "./_deployment.js";
import { inScope, type InstallContext, PORTS } from "./_names.js";
import { containerResources, envSecret, envValue, httpProbe, nonRootSecurity, POD_SECURITY } from "./_pod.js";
import { builtIn } from "./_typed.js";
import type { LibraryMount } from "./nfs-library.js";

/** Props of `Worker`: the install's names and labels, the image, the spec YAML it reads, its Secret keys, the libraries it mounts and its placement. */
export interface WorkerProps {
  /** Names and labels of the install: `installContext(spec, target)`. */
  readonly install: InstallContext;
  /** The worker image. */
  readonly image: string;
  /** The spec as YAML, mounted from a ConfigMap. */
  readonly specYaml: string;
  /** The Secret's keys the worker reads (its API keys). */
  readonly secretKeys: readonly string[];
  /** The external libraries, mounted read-only at the same paths as in the server. */
  readonly libraries: readonly LibraryMount[];
  /** Requests and limits of the container (`targets.kubernetes.resources.worker`). @default memory: request 128Mi, limit 256Mi (the bench's peak, twice) */
  readonly resources?: Resources | undefined;
  /** Node selector and tolerations of the pod (`targets.kubernetes.worker`). @default none */
  readonly placement?: KubernetesTarget["worker"] | undefined;
}

/**
 * The scan/album worker: its spec as a ConfigMap and a Deployment talking to the server in-cluster,
 * least-privileged: non-root, no capabilities, no privilege escalation, a read-only root with a
 * size-limited `/tmp`, the default seccomp profile, a memory limit and no service account token.
 */
export class Worker extends Construct {
  constructor(scope: Construct, id: string, props: WorkerProps) {
    super(scope, id);
    const install = inScope(this, props.install);
    const { placement } = props;
    const { names } = install;
    const worker = workload(install, names.worker, "worker", "immich-family-worker");
    const specDir = posix.dirname(CONTAINER_PATHS.workerSpecFile);
    const specFile = posix.basename(CONTAINER_PATHS.workerSpecFile);

    builtIn<IConfigMap>(this, "spec", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: names.workerSpec, namespace: names.namespace, labels: worker.labels },
      data: { [specFile]: props.specYaml },
    });

    deployment(
      this,
      worker,
      {
        securityContext: { ...POD_SECURITY, fsGroup: 1000 },
        // It talks to Immich only, never to the Kubernetes API.
        automountServiceAccountToken: false,
        ...(placement?.nodeSelector ? { nodeSelector: { ...placement.nodeSelector } } : {}),
        ...(placement?.tolerations ? { tolerations: placement.tolerations.map((t) => ({ ...t })) } : {}),
        containers: [
          {
            name: "worker",
            image: props.image,
            command: ["immich-family", ...WORKER_ARGS],
            env: [envValue("IMMICH_URL", `http://${names.server}:${PORTS.server}/api`), ...props.secretKeys.map((key) => envSecret(key, names.secret, key))],
            ports: [{ name: "http", containerPort: PORTS.worker }],
            readinessProbe: httpProbe(WORKER_ENDPOINTS.ready, "http", 15, 4),
            livenessProbe: httpProbe(WORKER_ENDPOINTS.health, "http", 30, 4),
            ...containerResources(props.resources ?? { requests: { memory: WORKER_MEMORY.request }, limits: { memory: WORKER_MEMORY.limit } }),
            securityContext: nonRootSecurity(1000),
            volumeMounts: [
              { name: "spec", mountPath: specDir, readOnly: true },
              { name: "state", mountPath: CONTAINER_PATHS.workerStateDir },
              { name: "tmp", mountPath: "/tmp" },
              ...props.libraries.map((l) => ({ name: l.volume, mountPath: l.path, readOnly: true })),
            ],
          },
        ],
        volumes: [
          { name: "spec", configMap: { name: names.workerSpec } },
          { name: "state", emptyDir: {} },
          { name: "tmp", emptyDir: { sizeLimit: WORKER_TMP_SIZE } },
          ...props.libraries.map((l) => ({ name: l.volume, persistentVolumeClaim: { claimName: l.claimName, readOnly: true } })),
        ],
      },
      // Two workers would race on rescans and albums.
      { recreate: true, podAnnotations: { "immich-family.dev/spec-checksum": createHash("sha256").update(props.specYaml).digest("hex") } },
    );
  }
}
