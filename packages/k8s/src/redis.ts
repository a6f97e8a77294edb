import { type ImmichFamilySpec, type KubernetesTarget, VALKEY_PASSWORD_ENV, valkeyStartScript } from "@family/immich-spec";
import { Construct } from "constructs";
import { deployment, service } from "./_deployment.js";
import { recommendedLabels, selectorLabels } from "./_labels.js";
import { type Names, PORTS } from "./_names.js";
import { containerResources, envSecret, nonRootSecurity, POD_SECURITY } from "./_pod.js";

/** Props of `Redis`: the spec (password), its Kubernetes target (image, resources) and the object names. */
export interface RedisProps {
  /** The parsed spec. */
  readonly spec: ImmichFamilySpec;
  /** Its Kubernetes target. */
  readonly target: KubernetesTarget;
  /** Object names: `objectNames(spec, target)`. */
  readonly names: Names;
}

/** Valkey/Redis as Immich's job queue: a Deployment and its Service, password from the Secret when set. */
export class Redis extends Construct {
  constructor(scope: Construct, id: string, props: RedisProps) {
    super(scope, id);
    const { spec, target, names } = props;
    const workload = {
      name: names.redis,
      namespace: names.namespace,
      labels: recommendedLabels(spec, "redis", "valkey"),
      selector: selectorLabels(spec, "redis", "valkey"),
    };
    const password = spec.redis.password;

    deployment(
      this,
      workload,
      {
        securityContext: { ...POD_SECURITY, fsGroup: 999 },
        containers: [
          {
            name: "redis",
            image: target.redisImage,
            // With a password, the config comes on standard input from the environment, never on the command
            // line; `$$(` keeps Kubernetes from reading the script's `$(…)` as a variable reference.
            ...(password
              ? {
                  command: ["/bin/sh", "-c", valkeyStartScript([`save ""`]).replaceAll("$(", () => "$$(")],
                  env: [envSecret(VALKEY_PASSWORD_ENV, names.secret, password.key)],
                }
              : { args: ["--save", ""] }),
            ports: [{ name: "redis", containerPort: PORTS.redis }],
            readinessProbe: { tcpSocket: { port: "redis" }, periodSeconds: 10 },
            livenessProbe: { tcpSocket: { port: "redis" }, periodSeconds: 20, failureThreshold: 6 },
            ...containerResources(target.resources.redis),
            securityContext: nonRootSecurity(999),
            volumeMounts: [{ name: "data", mountPath: "/data" }],
          },
        ],
        volumes: [{ name: "data", emptyDir: {} }],
      },
      { recreate: true },
    );
    service(this, workload, { name: "redis", port: PORTS.redis });
  }
}
