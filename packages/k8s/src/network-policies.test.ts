import { describe, expect, it } from "vitest";
import { allowed, exampleSpec, find, type K8sObject, objects, type Pod, specWith } from "../test/helpers.js";

/** The pods of an install, from its rendered Deployments and the CNPG instances, and pods around it. */
function podsOf(list: readonly K8sObject[], namespace: string, cluster: string): Record<string, Pod> {
  const out: Record<string, Pod> = {};
  for (const d of list.filter((o) => o.kind === "Deployment")) {
    out[d.metadata.labels?.["app.kubernetes.io/component"] as string] = { namespace, labels: d.spec.template.metadata.labels };
  }
  out.database = { namespace, labels: { "cnpg.io/cluster": cluster, "cnpg.io/podRole": "instance", "cnpg.io/instanceName": `${cluster}-1` } };
  out.operator = { namespace: "cnpg-system", labels: { "app.kubernetes.io/name": "cloudnative-pg" } };
  out.ingress = { namespace: "pomerium", labels: { "app.kubernetes.io/name": "pomerium" } };
  out.neighbour = { namespace, labels: { app: "something-else" } };
  out.stranger = { namespace: "default", labels: { app: "curl" } };
  return out;
}

const PORT = { server: 2283, database: 5432, redis: 6379, "machine-learning": 3003 } as const;

describe("NetworkPolicies of examples/ponder.yaml", () => {
  const list = objects(exampleSpec("ponder"));
  const policies = list.filter((o) => o.kind === "NetworkPolicy");
  const pods = podsOf(list, "immich", "ponder-postgres");
  const can = (from: string, to: keyof typeof PORT, port: number = PORT[to]) => allowed(policies, pods[from] as Pod, pods[to] as Pod, port);

  it("renders one per protected component, in network-policies.yaml", () => {
    expect(policies.map((p) => p.metadata.name)).toEqual(["ponder-database", "ponder-redis", "ponder-machine-learning", "ponder-server"]);
  });

  it("lets each component reach only what it needs, on its port", () => {
    const reach = Object.fromEntries(
      Object.keys(pods).map((from) => [from, (Object.keys(PORT) as (keyof typeof PORT)[]).filter((to) => to !== from && can(from, to))]),
    );
    expect(reach).toEqual({
      server: ["database", "redis", "machine-learning"],
      worker: ["server"],
      redis: [],
      "machine-learning": [],
      database: [],
      operator: ["database"],
      ingress: ["server"],
      neighbour: [],
      stranger: [],
    });
  });

  it("lets the CloudNativePG operator and the instances reach each other's Postgres and status ports, and nothing else", () => {
    for (const from of ["operator", "database"]) {
      expect(can(from, "database", 5432)).toBe(true);
      expect(can(from, "database", 8000)).toBe(true);
      expect(can(from, "database", 9187)).toBe(false);
    }
    expect(can("server", "database", 8000)).toBe(false);
    expect(can("ingress", "server", 8000)).toBe(false);
  });
});

describe("the spec switch", () => {
  it("names the ingress controller's and the operator's namespaces", () => {
    const spec = specWith(
      "ponder",
      (s) => (s.targets.kubernetes.networkPolicies = { ingressNamespace: "ingress-nginx", operatorNamespace: "postgres-operator" }),
    );
    const list = objects(spec);
    const policies = list.filter((o) => o.kind === "NetworkPolicy");
    const pods = podsOf(list, "immich", "ponder-postgres");
    const nginx: Pod = { namespace: "ingress-nginx", labels: {} };
    const operator: Pod = { namespace: "postgres-operator", labels: {} };
    expect(allowed(policies, nginx, pods.server as Pod, 2283)).toBe(true);
    expect(allowed(policies, pods.ingress as Pod, pods.server as Pod, 2283)).toBe(false);
    expect(allowed(policies, operator, pods.database as Pod, 8000)).toBe(true);
    expect(allowed(policies, pods.operator as Pod, pods.database as Pod, 8000)).toBe(false);
  });

  it("turns them all off", () => {
    const spec = specWith("ponder", (s) => (s.targets.kubernetes.networkPolicies = { enabled: false }));
    expect(objects(spec).filter((o) => o.kind === "NetworkPolicy")).toEqual([]);
  });

  it("opens the metrics port only with a PodMonitor, to the monitoring namespace when named", () => {
    const prometheus: Pod = { namespace: "monitoring", labels: {} };
    const other: Pod = { namespace: "default", labels: {} };
    const db: Pod = { namespace: "immich", labels: { "cnpg.io/cluster": "ponder-postgres" } };
    const policiesOf = (edit: Parameters<typeof specWith>[1]) => objects(specWith("ponder", edit)).filter((o) => o.kind === "NetworkPolicy");
    const off = policiesOf(() => {});
    expect(allowed(off, prometheus, db, 9187)).toBe(false);
    const anywhere = policiesOf((s) => (s.targets.kubernetes.database.podMonitor = true));
    expect(allowed(anywhere, prometheus, db, 9187)).toBe(true);
    expect(allowed(anywhere, other, db, 9187)).toBe(true);
    const named = policiesOf((s) => {
      s.targets.kubernetes.database.podMonitor = true;
      s.targets.kubernetes.networkPolicies = { monitoringNamespace: "monitoring" };
    });
    expect(allowed(named, prometheus, db, 9187)).toBe(true);
    expect(allowed(named, other, db, 9187)).toBe(false);
    expect(allowed(named, prometheus, db, 5432)).toBe(false);
  });

  it("leaves out the machine-learning policy when ML is off, and the worker's peer when the worker is off", () => {
    const list = objects(
      specWith("family", (s) => {
        s.machineLearning.enabled = false;
        s.worker.enabled = false;
      }),
    );
    expect(list.filter((o) => o.kind === "NetworkPolicy").map((o) => o.metadata.name)).toEqual(["rincewind-database", "rincewind-redis", "rincewind-server"]);
    expect(find(list, "NetworkPolicy", "rincewind-server").spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "pomerium" } } },
    ]);
  });
});
