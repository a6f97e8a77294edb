import { App, Chart, Testing } from "cdk8s";
import { describe, expect, it } from "vitest";
import { objectNames, Redis } from "./index.js";
import { exampleSpec, find, type K8sObject } from "../test/helpers.js";

describe("a construct composed in a user's own cdk8s app", () => {
  it("renders the Redis Deployment and Service under the names objectNames gives", () => {
    const spec = exampleSpec("family");
    const target = spec.targets.kubernetes;
    if (!target) throw new Error("the family example has a Kubernetes target");
    const chart = new Chart(new App(), "mine", { namespace: "elsewhere" });
    const names = objectNames(spec, target);
    new Redis(chart, "queue", { spec, target, names });

    const list = Testing.synth(chart) as K8sObject[];
    expect(list.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(["Deployment/rincewind-redis", "Service/rincewind-redis"]);
    const deployment = find(list, "Deployment", names.redis);
    expect(deployment.spec.template.spec.containers[0].env).toEqual([
      { name: "REDISCLI_AUTH", valueFrom: { secretKeyRef: { name: names.secret, key: "REDIS_PASSWORD" } } },
    ]);
    expect(find(list, "Service", names.redis).spec.ports).toEqual([{ name: "redis", port: 6379, targetPort: "redis", protocol: "TCP" }]);
  });
});
