import { createHash } from "node:crypto";
import {
  CONFIG_FILL_ARGS,
  CONTAINER_PATHS,
  IMMICH_CONFIG_TEMPLATE,
  type Resources,
  type ServerEnvValue,
  type ServerSettings,
  serverEnvironmentOf,
} from "@family/immich-spec";
import { Construct } from "constructs";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import { deployment, service, workload } from "./_deployment.js";
import { inScope, type InstallContext, type Names, PORTS } from "./_names.js";
import { containerResources, type EnvVar, envSecret, envValue, httpProbe, nonRootSecurity, POD_SECURITY, ROOT_IMAGE_SECURITY } from "./_pod.js";
import { builtIn } from "./_typed.js";
import type { LibraryMount } from "./nfs-library.js";

/** Props of `ImmichServer`: the install's names and labels, the images, the config template and its keys, and what the server mounts and calls. */
export interface ImmichServerProps {
  /** Names and labels of the install: `installContext(spec, target)`. */
  readonly install: InstallContext;
  /** The immich-server image: `immichServerImage(spec)`. */
  readonly image: string;
  /** The Immich config template (`${KEY}` placeholders, no secret values). */
  readonly configTemplate: string;
  /** The Secret's keys the template's placeholders name, handed to the init container that fills it. */
  readonly configKeys: readonly string[];
  /** Image of the init container that fills the template (the worker image carries the CLI). */
  readonly initImage: string;
  /** Machine-learning URL; none when machine learning is off. */
  readonly machineLearningUrl: string | undefined;
  /** The external libraries, mounted read-only. */
  readonly libraries: readonly LibraryMount[];
  /**
   * The spec's `immich`, `database` and `redis` sections, from which the server's environment is built
   * (`SERVER_ENVIRONMENT`): TZ, trusted proxies, the media location (also the upload volume's mount),
   * the Redis password's key, `immich.environment`. @default Immich's defaults, no Redis password
   */
  readonly settings?: ServerSettings | undefined;
  /** Requests and limits of the server container (`targets.kubernetes.resources.server`). @default none */
  readonly resources?: Resources | undefined;
}

/**
 * The Immich server: the config template as a ConfigMap, a Deployment whose init container fills it
 * from the Secret, database settings from CloudNativePG's `-app` Secret, and its Service.
 */
export class ImmichServer extends Construct {
  constructor(scope: Construct, id: string, props: ImmichServerProps) {
    super(scope, id);
    const install = inScope(this, props.install);
    const { names } = install;
    const server = workload(install, names.server, "server", "immich-server");
    const mediaLocation = props.settings?.immich?.mediaLocation ?? CONTAINER_PATHS.media;

    builtIn<IConfigMap>(this, "config-template", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: names.configTemplate, namespace: names.namespace, labels: server.labels },
      data: { [IMMICH_CONFIG_TEMPLATE]: props.configTemplate },
    });

    const env = serverEnv(names, props);

    deployment(
      this,
      server,
      {
        securityContext: POD_SECURITY,
        initContainers: [
          {
            name: "config-fill",
            image: props.initImage,
            command: ["immich-family", ...CONFIG_FILL_ARGS],
            env: props.configKeys.map((key) => envSecret(key, names.secret, key)),
            securityContext: nonRootSecurity(1000),
            volumeMounts: [
              { name: "config-template", mountPath: CONTAINER_PATHS.templateDir, readOnly: true },
              { name: "config", mountPath: CONTAINER_PATHS.configDir },
            ],
          },
        ],
        containers: [
          {
            name: "server",
            image: props.image,
            env,
            ports: [{ name: "http", containerPort: PORTS.server }],
            // First start runs migrations and reindexing: allow 10 minutes.
            startupProbe: httpProbe("/api/server/ping", "http", 10, 60),
            readinessProbe: httpProbe("/api/server/ping", "http", 10, 3),
            livenessProbe: httpProbe("/api/server/ping", "http", 20, 6),
            ...containerResources(props.resources),
            securityContext: ROOT_IMAGE_SECURITY,
            volumeMounts: [
              { name: "upload", mountPath: mediaLocation },
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
    service(this, server, { name: "http", port: PORTS.server });
  }
}

/** The server container's environment: the table's variables, CloudNativePG's `-app` Secret for the database's credentials. */
function serverEnv(names: Names, props: ImmichServerProps): EnvVar[] {
  const app = (secretKey: string): ServerEnvValue => ({ secret: names.clusterAppSecret, secretKey });
  const env = serverEnvironmentOf(props.settings ?? {}, {
    databaseHost: { value: names.clusterRwService },
    databasePort: app("port"),
    databaseUser: app("username"),
    databasePassword: app("password"),
    databaseName: app("dbname"),
    redisHost: { value: names.redis },
    machineLearningUrl: props.machineLearningUrl === undefined ? undefined : { value: props.machineLearningUrl },
  });
  return env.map(({ name, value }) => ("value" in value ? envValue(name, value.value) : envSecret(name, value.secret ?? names.secret, value.secretKey)));
}
