import type { ImmichFamilySpec, KubernetesTarget } from "@family/immich-spec";
import { Construct } from "constructs";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { INetworkPolicyPeer } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer";
import { type Component, recommendedLabels, selectorLabels } from "./_labels.js";
import { type Names, PORTS } from "./_names.js";
import { builtIn } from "./_typed.js";

/** CloudNativePG's status port on every instance, which the operator polls. */
export const CNPG_STATUS_PORT = 8000;
/** CloudNativePG's metrics port on every instance. */
export const CNPG_METRICS_PORT = PORTS.postgresMetrics;

/** Props of `NetworkPolicies`: the spec, its Kubernetes target and the object names. */
export interface NetworkPoliciesProps {
  /** The parsed spec. */
  readonly spec: ImmichFamilySpec;
  /** Its Kubernetes target. */
  readonly target: KubernetesTarget;
  /** Object names: `objectNames(spec, target)`. */
  readonly names: Names;
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
    const { spec, target, names } = props;
    const np = target.networkPolicies;
    const pods = (component: Component, app: string): INetworkPolicyPeer => ({ podSelector: { matchLabels: selectorLabels(spec, component, app) } });
    const namespace = (name: string): INetworkPolicyPeer => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } } });
    const server = pods("server", "immich-server");
    const instances: INetworkPolicyPeer = { podSelector: { matchLabels: { "cnpg.io/cluster": names.cluster } } };

    const policy = (name: string, podSelector: Record<string, string>, rules: Rule[]) =>
      builtIn<INetworkPolicy>(this, name, {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: `${spec.metadata.name}-${name}`, namespace: names.namespace, labels: recommendedLabels(spec, "network-policy", "immich") },
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
    if (target.database.podMonitor) {
      database.push({ from: [np.monitoringNamespace ? namespace(np.monitoringNamespace) : { namespaceSelector: {} }], ports: [CNPG_METRICS_PORT] });
    }
    policy("database", { "cnpg.io/cluster": names.cluster }, database);
    policy("redis", selectorLabels(spec, "redis", "valkey"), [{ from: [server], ports: [PORTS.redis] }]);
    if (spec.machineLearning.enabled)
      policy("machine-learning", selectorLabels(spec, "machine-learning", "immich-machine-learning"), [{ from: [server], ports: [PORTS.machineLearning] }]);
    policy("server", selectorLabels(spec, "server", "immich-server"), [
      { from: [namespace(np.ingressNamespace), ...(spec.worker.enabled ? [pods("worker", "immich-family-worker")] : [])], ports: [PORTS.server] },
    ]);
  }
}
