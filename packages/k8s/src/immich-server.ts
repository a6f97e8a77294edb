import { createHash } from "node:crypto";
import { IMMICH_CONFIG_TEMPLATE, type ImmichFamilySpec, immichServerImage, type KubernetesTarget, secretKeys } from "@family/immich-spec";
import { Construct } from "constructs";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import { deployment, service } from "./_deployment.js";
import { builtIn } from "./_typed.js";
import { recommendedLabels, selectorLabels } from "./_labels.js";
import { type Names, PORTS } from "./_names.js";
import { containerResources, type EnvVar, envSecret, envValue, httpProbe, nonRootSecurity, POD_SECURITY, ROOT_IMAGE_SECURITY } from "./_pod.js";
import type { LibraryMount } from "./nfs-library.js";
import { MEDIA_LOCATION } from "./upload-volume.js";

/** Where the init container writes the filled config, and the server reads it. */
export const CONFIG_FILE = "/config/immich-config.yaml";
const TEMPLATE_DIR = "/template";

/** The command the init container runs to fill the config template from the Secret's keys. */
export const CONFIG_FILL_COMMAND = ["immich-family", "config", "fill", "--template", `${TEMPLATE_DIR}/${IMMICH_CONFIG_TEMPLATE}`, "--out", CONFIG_FILE];

/** Props of `ImmichServer`: the spec and target, the names, the config template, and what the server mounts and calls. */
export interface ImmichServerProps {
  /** The parsed spec. */
  readonly spec: ImmichFamilySpec;
  /** Its Kubernetes target. */
  readonly target: KubernetesTarget;
  /** Object names: `objectNames(spec, target)`. */
  readonly names: Names;
  /** The Immich config template (`${KEY}` placeholders, no secret values). */
  readonly configTemplate: string;
  /** Image of the init container that fills the template (the worker image carries the CLI). */
  readonly initImage: string;
  /** Machine-learning URL; none when machine learning is off. */
  readonly machineLearningUrl: string | undefined;
  /** The external libraries, mounted read-only. */
  readonly libraries: readonly LibraryMount[];
}

/**
 * The Immich server: the config template as a ConfigMap, a Deployment whose init container fills it
 * from the Secret, database settings from CloudNativePG's `-app` Secret, and its Service.
 */
export class ImmichServer extends Construct {
  constructor(scope: Construct, id: string, props: ImmichServerProps) {
    super(scope, id);
    const { spec, target, names } = props;
    const labels = recommendedLabels(spec, "server", "immich-server");
    const workload = { name: names.server, namespace: names.namespace, labels, selector: selectorLabels(spec, "server", "immich-server") };
    const configKeys = secretKeys(spec, "kubernetes").filter((k) => k.readers.includes("config-init"));

    builtIn<IConfigMap>(this, "config-template", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: names.configTemplate, namespace: names.namespace, labels },
      data: { [IMMICH_CONFIG_TEMPLATE]: props.configTemplate },
    });

    const env: EnvVar[] = [
      envValue("DB_HOSTNAME", names.clusterRwService),
      envSecret("DB_PORT", names.clusterAppSecret, "port"),
      envSecret("DB_USERNAME", names.clusterAppSecret, "username"),
      envSecret("DB_PASSWORD", names.clusterAppSecret, "password"),
      envSecret("DB_DATABASE_NAME", names.clusterAppSecret, "dbname"),
      envValue("DB_VECTOR_EXTENSION", "vectorchord"),
      envValue("REDIS_HOSTNAME", names.redis),
      envValue("REDIS_PORT", String(PORTS.redis)),
      ...(spec.redis.password ? [envSecret("REDIS_PASSWORD", names.secret, spec.redis.password.key)] : []),
      ...(props.machineLearningUrl ? [envValue("IMMICH_MACHINE_LEARNING_URL", props.machineLearningUrl)] : []),
      envValue("IMMICH_MEDIA_LOCATION", spec.immich.mediaLocation ?? MEDIA_LOCATION),
      envValue("IMMICH_CONFIG_FILE", CONFIG_FILE),
      ...(spec.immich.trustedProxies?.length ? [envValue("IMMICH_TRUSTED_PROXIES", spec.immich.trustedProxies.join(","))] : []),
      ...(spec.immich.timezone ? [envValue("TZ", spec.immich.timezone)] : []),
    ];

    deployment(
      this,
      workload,
      {
        securityContext: POD_SECURITY,
        initContainers: [
          {
            name: "config-fill",
            image: props.initImage,
            command: CONFIG_FILL_COMMAND,
            env: configKeys.map((k) => envSecret(k.key, names.secret, k.key)),
            securityContext: nonRootSecurity(1000),
            volumeMounts: [
              { name: "config-template", mountPath: TEMPLATE_DIR, readOnly: true },
              { name: "config", mountPath: "/config" },
            ],
          },
        ],
        containers: [
          {
            name: "server",
            image: immichServerImage(spec),
            env,
            ports: [{ name: "http", containerPort: PORTS.server }],
            // First start runs migrations and reindexing: allow 10 minutes.
            startupProbe: httpProbe("/api/server/ping", "http", 10, 60),
            readinessProbe: httpProbe("/api/server/ping", "http", 10, 3),
            livenessProbe: httpProbe("/api/server/ping", "http", 20, 6),
            ...containerResources(target.resources.server),
            securityContext: ROOT_IMAGE_SECURITY,
            volumeMounts: [
              { name: "upload", mountPath: spec.immich.mediaLocation ?? MEDIA_LOCATION },
              { name: "config", mountPath: "/config", readOnly: true },
              ...props.libraries.map((l) => ({ name: l.volume, mountPath: l.path, readOnly: true })),
            ],
          },
        ],
        volumes: [
          { name: "upload", persistentVolumeClaim: { claimName: names.upload } },
          { name: "config-template", configMap: { name: names.configTemplate } },
          { name: "config", emptyDir: { medium: "Memory" } },
          ...props.libraries.map((l) => ({ name: l.volume, persistentVolumeClaim: { claimName: l.claimName, readOnly: true } })),
        ],
      },
      // The upload volume is ReadWriteOnce: never run two servers during a rollout.
      { recreate: true, podAnnotations: { "immich-family.dev/config-checksum": createHash("sha256").update(props.configTemplate).digest("hex") } },
    );
    service(this, workload, { name: "http", port: PORTS.server });
  }
}
