import type { KubernetesTarget } from "@family/immich-spec";
import { Construct } from "constructs";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { INetworkPolicyPeer } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer";
import { type Component, recommendedLabels, selectorLabels } from "./_labels.js";
import { inScope, type InstallContext, PORTS } from "./_names.js";
import { builtIn } from "./_typed.js";

/** CloudNativePG's status port on every instance, which the operator polls. */
export const CNPG_STATUS_PORT = 8000;
/** CloudNativePG's metrics port on every instance. */
export const CNPG_METRICS_PORT = PORTS.postgresMetrics;

/** Props of `NetworkPolicies`: the install's names and labels, the namespaces to let in, and which components run. */
export interface NetworkPoliciesProps {
  /** Names and labels of the install: `installContext(spec, target)`. */
  readonly install: InstallContext;
  /** The operator's, the ingress controller's and the monitoring namespace (`targets.kubernetes.networkPolicies`). */
  readonly namespaces: Pick<KubernetesTarget["networkPolicies"], "operatorNamespace" | "ingressNamespace" | "monitoringNamespace">;
  /** Whether a PodMonitor scrapes the database's metrics port (`targets.kubernetes.database.podMonitor`). @default false */
  readonly databaseMetrics?: boolean | undefined;
  /** Whether machine learning runs, and gets its policy (`machineLearning.enabled`). @default true */
  readonly machineLearning?: boolean | undefined;
  /** Whether the worker runs, and may reach the server (`worker.enabled`). @default true */
  readonly worker?: boolean | undefined;
}

type Rule = { from: INetworkPolicyPeer[]; ports: number[] };

/**
 * Ingress NetworkPolicies mirroring the Compose network split: the database only from the server,
 * its own instances and the CloudNativePG operator; Redis and machine learning only from the server;
 * the server only from the ingress controller's namespace and the worker. Egress stays open (the
 * server discovers OIDC, machine learning downloads models, CNPG instances talk to the API server).
 */
export class NetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: NetworkPoliciesProps) {
    super(scope, id);
    const install = inScope(this, props.install);
    const { namespaces: np } = props;
    const { names } = install;
    const pods = (component: Component, app: string): INetworkPolicyPeer => ({ podSelector: { matchLabels: selectorLabels(install, component, app) } });
    const namespace = (name: string): INetworkPolicyPeer => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } } });
    const server = pods("server", "immich-server");
    const instances: INetworkPolicyPeer = { podSelector: { matchLabels: { "cnpg.io/cluster": names.cluster } } };

    const policy = (name: string, podSelector: Record<string, string>, rules: Rule[]) =>
      builtIn<INetworkPolicy>(this, name, {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: names.networkPolicy(name), namespace: names.namespace, labels: recommendedLabels(install, "network-policy", "immich") },
        spec: {
          podSelector: { matchLabels: podSelector },
          policyTypes: ["Ingress"],
          ingress: rules.map((r) => ({ from: r.from, ports: r.ports.map((port) => ({ protocol: "TCP", port })) })),
        },
      });

    const database: Rule[] = [
      { from: [server], ports: [PORTS.postgres] },
      { from: [instances, namespace(np.operatorNamespace)], ports: [PORTS.postgres, CNPG_STATUS_PORT] },
    ];
    if (props.databaseMetrics) {
      database.push({ from: [np.monitoringNamespace ? namespace(np.monitoringNamespace) : { namespaceSelector: {} }], ports: [CNPG_METRICS_PORT] });
    }
    policy("database", { "cnpg.io/cluster": names.cluster }, database);
    policy("redis", selectorLabels(install, "redis", "valkey"), [{ from: [server], ports: [PORTS.redis] }]);
    if (props.machineLearning ?? true)
      policy("machine-learning", selectorLabels(install, "machine-learning", "immich-machine-learning"), [{ from: [server], ports: [PORTS.machineLearning] }]);
    policy("server", selectorLabels(install, "server", "immich-server"), [
      { from: [namespace(np.ingressNamespace), ...((props.worker ?? true) ? [pods("worker", "immich-family-worker")] : [])], ports: [PORTS.server] },
    ]);
  }
}
