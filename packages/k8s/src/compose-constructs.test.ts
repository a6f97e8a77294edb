import { machineLearningImage } from "@family/immich-spec";
import { App, Chart, Testing } from "cdk8s";
import { describe, expect, it } from "vitest";
import { exampleSpec, find, type K8sObject } from "../test/helpers.js";
import { ImmichServer, installContext, MachineLearning, Redis, UploadVolume } from "./index.js";

function familyInstall() {
  const spec = exampleSpec("family");
  const target = spec.targets.kubernetes;
  if (!target) throw new Error("the family example has a Kubernetes target");
  return { spec, target, install: installContext(spec, target) };
}

describe("a construct composed in a user's own cdk8s app", () => {
  it("renders the Redis Deployment and Service under the names installContext gives", () => {
    const { spec, target, install } = familyInstall();
    const chart = new Chart(new App(), "mine", { namespace: "elsewhere" });
    const { names } = install;
    new Redis(chart, "queue", { install, image: target.redisImage, password: spec.redis.password });

    const list = Testing.synth(chart) as K8sObject[];
    expect(list.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(["Deployment/rincewind-redis", "Service/rincewind-redis"]);
    const deployment = find(list, "Deployment", names.redis);
    expect(deployment.spec.template.spec.containers[0].env).toEqual([
      { name: "REDISCLI_AUTH", valueFrom: { secretKeyRef: { name: names.secret, key: "REDIS_PASSWORD" } } },
    ]);
    expect(find(list, "Service", names.redis).spec.ports).toEqual([{ name: "redis", port: 6379, targetPort: "redis", protocol: "TCP" }]);
  });

  it("puts every object in the user's Chart namespace, not the spec's", () => {
    const { spec, target, install } = familyInstall();
    expect(install.names.namespace).not.toBe("elsewhere");
    const chart = new Chart(new App(), "mine", { namespace: "elsewhere" });
    new Redis(chart, "queue", { install, image: target.redisImage, password: spec.redis.password });
    new UploadVolume(chart, "upload", { install, size: "10Gi" });

    const list = Testing.synth(chart) as K8sObject[];
    expect(list.map((o) => `${o.kind}/${o.metadata.namespace}`)).toEqual(["Deployment/elsewhere", "Service/elsewhere", "PersistentVolumeClaim/elsewhere"]);
  });

  it("takes the namespace and object names the user overrides, and the other constructs refer to those names", () => {
    const { spec, target } = familyInstall();
    const install = installContext(spec, target, { namespace: "photos", names: { redis: "queue", server: "immich", cluster: "pg" } });
    expect(install.names).toMatchObject({
      namespace: "photos",
      redis: "queue",
      server: "immich",
      cluster: "pg",
      clusterAppSecret: "pg-app",
      clusterRwService: "pg-rw",
    });
    const chart = new Chart(new App(), "mine");
    new Redis(chart, "queue", { install, image: target.redisImage });
    new ImmichServer(chart, "server", {
      install,
      image: "ghcr.io/immich-app/immich-server:v3.1.0",
      configTemplate: "{}",
      configKeys: [],
      initImage: "init:1",
      machineLearningUrl: undefined,
      libraries: [],
    });

    const list = Testing.synth(chart) as K8sObject[];
    expect(list.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      "Deployment/photos/queue",
      "Service/photos/queue",
      "ConfigMap/photos/rincewind-config-template",
      "Deployment/photos/immich",
      "Service/photos/immich",
    ]);
    const env = find(list, "Deployment", "immich").spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: unknown }[];
    expect(env.find((e) => e.name === "REDIS_HOSTNAME")?.value).toBe("queue");
    expect(env.find((e) => e.name === "DB_HOSTNAME")?.value).toBe("pg-rw");
  });

  it("renders machine learning from plain values, with no spec section beyond the install's names and labels", () => {
    const { spec, install } = familyInstall();
    const chart = new Chart(new App(), "mine");
    const image = machineLearningImage({ immich: spec.immich, machineLearning: { ...spec.machineLearning, acceleration: "cuda" } });
    new MachineLearning(chart, "ml", { install, image, acceleration: "cuda", resources: { limits: { memory: "4Gi" } } });

    const list = Testing.synth(chart) as K8sObject[];
    expect(list.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(["Deployment/rincewind-machine-learning", "Service/rincewind-machine-learning"]);
    const deployment = find(list, "Deployment", install.names.machineLearning);
    expect(deployment.metadata.namespace).toBe(install.names.namespace);
    expect(deployment.metadata.labels).toMatchObject({ "app.kubernetes.io/instance": "rincewind", "app.kubernetes.io/version": spec.immich.version });
    const [container] = deployment.spec.template.spec.containers;
    expect(container.image).toBe(`ghcr.io/immich-app/immich-machine-learning:${spec.immich.version}-cuda`);
    expect(container.resources).toEqual({ limits: { memory: "4Gi", "nvidia.com/gpu": "1" } });
    expect(find(list, "Service", install.names.machineLearning).spec.selector).toEqual(deployment.spec.selector.matchLabels);
  });
});
