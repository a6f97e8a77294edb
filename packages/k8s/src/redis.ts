import { type Resources, type SecretRef, VALKEY_PASSWORD_ENV, valkeyStartScript } from "@family/immich-spec";
import { Construct } from "constructs";
import { deployment, service, workload } from "./_deployment.js";
import { inScope, type InstallContext, PORTS } from "./_names.js";
import { containerResources, envSecret, nonRootSecurity, POD_SECURITY } from "./_pod.js";

/** Props of `Redis`: the install's names and labels, the image, the password's Secret key and the resources. */
export interface RedisProps {
  /** Names and labels of the install: `installContext(spec, target)`. */
  readonly install: InstallContext;
  /** The Valkey/Redis image (`targets.kubernetes.redisImage`). */
  readonly image: string;
  /** The key of the Secret holding the password (`redis.password`). @default no password */
  readonly password?: SecretRef | undefined;
  /** Requests and limits of the container (`targets.kubernetes.resources.redis`). @default none */
  readonly resources?: Resources | undefined;
}

/** Valkey/Redis as Immich's job queue: a Deployment and its Service, password from the Secret when set. */
export class Redis extends Construct {
  constructor(scope: Construct, id: string, props: RedisProps) {
    super(scope, id);
    const install = inScope(this, props.install);
    const { password } = props;
    const { names } = install;
    const redis = workload(install, names.redis, "redis", "valkey");

    deployment(
      this,
      redis,
      {
        securityContext: { ...POD_SECURITY, fsGroup: 999 },
        containers: [
          {
            name: "redis",
            image: props.image,
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
            ...containerResources(props.resources),
            securityContext: nonRootSecurity(999),
            volumeMounts: [{ name: "data", mountPath: "/data" }],
          },
        ],
        volumes: [{ name: "data", emptyDir: {} }],
      },
      { recreate: true },
    );
    service(this, redis, { name: "redis", port: PORTS.redis });
  }
}
