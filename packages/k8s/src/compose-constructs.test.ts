import { machineLearningImage } from "@family/immich-spec";
import { App, Chart, Testing } from "cdk8s";
import { describe, expect, it } from "vitest";
import { exampleSpec, find, type K8sObject } from "../test/helpers.js";
import { installContext, MachineLearning, Redis } from "./index.js";

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
