import { createHash } from "node:crypto";
import { type ImmichFamilySpec, type KubernetesTarget, secretKeys } from "@family/immich-spec";
import { Construct } from "constructs";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import { deployment } from "./_deployment.js";
import { builtIn } from "./_typed.js";
import { recommendedLabels, selectorLabels } from "./_labels.js";
import { type Names, PORTS } from "./_names.js";
import { containerResources, envSecret, envValue, httpProbe, nonRootSecurity, POD_SECURITY } from "./_pod.js";
import type { LibraryMount } from "./nfs-library.js";

/** Where the worker reads its spec. */
export const WORKER_SPEC_FILE = "/etc/immich-family/immich-family.yaml";

/** Props of `Worker`: the spec and target, the names, the image, the spec YAML it reads and the libraries it mounts. */
export interface WorkerProps {
  /** The parsed spec. */
  readonly spec: ImmichFamilySpec;
  /** Its Kubernetes target. */
  readonly target: KubernetesTarget;
  /** Object names: `objectNames(spec, target)`. */
  readonly names: Names;
  /** The worker image. */
  readonly image: string;
  /** The spec as YAML, mounted from a ConfigMap. */
  readonly specYaml: string;
  /** The external libraries, mounted read-only at the same paths as in the server. */
  readonly libraries: readonly LibraryMount[];
}

/** The scan/album worker: its spec as a ConfigMap and a Deployment talking to the server in-cluster. */
export class Worker extends Construct {
  constructor(scope: Construct, id: string, props: WorkerProps) {
    super(scope, id);
    const { spec, target, names } = props;
    const labels = recommendedLabels(spec, "worker", "immich-family-worker");
    const workload = { name: names.worker, namespace: names.namespace, labels, selector: selectorLabels(spec, "worker", "immich-family-worker") };
    const keys = secretKeys(spec, "kubernetes").filter((k) => k.readers.includes("worker"));
    const specFile = WORKER_SPEC_FILE.split("/").pop() ?? "immich-family.yaml";
    const specDir = WORKER_SPEC_FILE.slice(0, -specFile.length - 1);

    builtIn<IConfigMap>(this, "spec", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: names.workerSpec, namespace: names.namespace, labels },
      data: { [specFile]: props.specYaml },
    });

    deployment(
      this,
      workload,
      {
        securityContext: { ...POD_SECURITY, fsGroup: 1000 },
        ...(target.worker.nodeSelector ? { nodeSelector: { ...target.worker.nodeSelector } } : {}),
        ...(target.worker.tolerations ? { tolerations: target.worker.tolerations.map((t) => ({ ...t })) } : {}),
        containers: [
          {
            name: "worker",
            image: props.image,
            command: ["immich-family", "worker", WORKER_SPEC_FILE, "--port", String(PORTS.worker), "--state-dir", "/state"],
            env: [envValue("IMMICH_URL", `http://${names.server}:${PORTS.server}/api`), ...keys.map((k) => envSecret(k.key, names.secret, k.key))],
            ports: [{ name: "http", containerPort: PORTS.worker }],
            readinessProbe: httpProbe("/readyz", "http", 15, 4),
            livenessProbe: httpProbe("/healthz", "http", 30, 4),
            ...containerResources(target.resources.worker),
            securityContext: nonRootSecurity(1000),
            volumeMounts: [
              { name: "spec", mountPath: specDir, readOnly: true },
              { name: "state", mountPath: "/state" },
              { name: "tmp", mountPath: "/tmp" },
              ...props.libraries.map((l) => ({ name: l.volume, mountPath: l.path, readOnly: true })),
            ],
          },
        ],
        volumes: [
          { name: "spec", configMap: { name: names.workerSpec } },
          { name: "state", emptyDir: {} },
          { name: "tmp", emptyDir: {} },
          ...props.libraries.map((l) => ({ name: l.volume, persistentVolumeClaim: { claimName: l.claimName, readOnly: true } })),
        ],
      },
      // Two workers would race on rescans and albums.
      { recreate: true, podAnnotations: { "immich-family.dev/spec-checksum": createHash("sha256").update(props.specYaml).digest("hex") } },
    );
  }
}
