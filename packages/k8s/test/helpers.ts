import { type ImmichFamilySpec, parseSpec } from "@family/immich-spec";
import { cleanPath, type PathCleaning, specBuilder } from "@family/test-kit";
import { RE2JS } from "re2js";
import { parseAllDocuments } from "yaml";
import { type RenderRestoreDrillOptions, renderKubernetes, renderRestoreDrill } from "../src/render.js";

export const schemasDir = new URL("../../../tooling/schemas/cnpg/", import.meta.url);

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, unknown>; annotations?: Record<string, unknown> };
  // biome-ignore lint/suspicious/noExplicitAny: rendered Kubernetes objects are walked freely in tests
  [k: string]: any;
};

export { exampleInput, exampleNames, examplesDir } from "@family/test-kit";
export const { exampleSpec, specFromInput, specWith } = specBuilder(parseSpec);

/** A nightly backup through the Barman Cloud plugin to the object store `nas-minio`, as the drill and schema tests declare it. */
export const barmanPluginBackup = () => ({
  schedule: "0 0 2 * * *",
  method: "plugin" as const,
  pluginName: "barman-cloud.cloudnative-pg.io",
  pluginParameters: { barmanObjectName: "nas-minio" },
});

/** Every object of the rendered folder, read back from the YAML files (not from the constructs). */
export function renderedObjects(spec: ImmichFamilySpec): { file: string; object: K8sObject }[] {
  return renderKubernetes(spec)
    .filter((f) => f.path.endsWith(".yaml") && f.path !== "kustomization.yaml")
    .flatMap((f) =>
      parseAllDocuments(f.content, { version: "1.1" }).map((d) => {
        if (d.errors.length > 0) throw new Error(`${f.path}: ${d.errors[0]?.message}`);
        return { file: f.path, object: d.toJS() as K8sObject };
      }),
    );
}

export function objects(spec: ImmichFamilySpec): K8sObject[] {
  return renderedObjects(spec).map((o) => o.object);
}

/** Every object of the restore drill's folder, read back from its YAML files, with the file each is in. */
export function drillObjects(spec: ImmichFamilySpec, options: RenderRestoreDrillOptions = {}): { file: string; object: K8sObject }[] {
  return renderRestoreDrill(spec, options)
    .files.filter((f) => f.path !== "kustomization.yaml")
    .flatMap((f) =>
      parseAllDocuments(f.content, { version: "1.1" }).map((d) => {
        if (d.errors.length > 0) throw new Error(`${f.path}: ${d.errors[0]?.message}`);
        return { file: f.path, object: d.toJS() as K8sObject };
      }),
    );
}

export function find(list: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = list.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}; have ${list.map((o) => `${o.kind}/${o.metadata.name}`).join(", ")}`);
  return found;
}

/** A container of a Deployment, by name. */
export function container(deployment: K8sObject, name: string, init = false) {
  const list = init ? deployment.spec.template.spec.initContainers : deployment.spec.template.spec.containers;
  const found = list?.find((c: { name: string }) => c.name === name);
  if (!found) throw new Error(`no container ${name} in ${deployment.metadata.name}`);
  return found;
}

/** A container's env as name → value or `secret:<name>/<key>`. */
export function envOf(c: { env?: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[] }) {
  return Object.fromEntries(
    (c.env ?? []).map((e) => [e.name, e.valueFrom ? `secret:${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}` : e.value]),
  );
}

// NetworkPolicy semantics, for tests of who may reach whom.

type Labels = Record<string, string>;
/** A pod as NetworkPolicies see it: its namespace and labels. */
export interface Pod {
  readonly namespace: string;
  readonly labels: Labels;
}
/** An address outside the cluster's pods: the API server, an object store, the internet. */
export const OUTSIDE = "outside";
type Endpoint = Pod | typeof OUTSIDE;
type Selector = { matchLabels?: Labels };
type Peer = { podSelector?: Selector; namespaceSelector?: Selector; ipBlock?: unknown };
type PolicyPort = { protocol?: string; port?: number; endPort?: number };
type Rule = { from?: Peer[]; to?: Peer[]; ports?: PolicyPort[] };

const matches = (selector: Selector | undefined, labels: Labels) => Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);

/** Whether `peer`, written in a policy of `namespace`, names `endpoint`. */
function peerMatches(peer: Peer, namespace: string, endpoint: Endpoint): boolean {
  if (peer.ipBlock) throw new Error("ipBlock peers are not modelled here");
  if (endpoint === OUTSIDE) return false;
  if (peer.namespaceSelector)
    return (
      matches(peer.namespaceSelector, { "kubernetes.io/metadata.name": endpoint.namespace }) &&
      (!peer.podSelector || matches(peer.podSelector, endpoint.labels))
    );
  return endpoint.namespace === namespace && matches(peer.podSelector, endpoint.labels);
}

/** Whether the policies selecting `pod` in `direction` (none: all traffic) let it talk to `other` on `port`. */
function admits(policies: readonly K8sObject[], direction: "Ingress" | "Egress", pod: Endpoint, other: Endpoint, port: number, protocol: string): boolean {
  if (pod === OUTSIDE) return true;
  const selecting = policies.filter(
    (p) => p.metadata.namespace === pod.namespace && matches(p.spec.podSelector, pod.labels) && p.spec.policyTypes.includes(direction),
  );
  if (selecting.length === 0) return true;
  const portMatches = (p: PolicyPort) => (p.protocol ?? "TCP") === protocol && (p.port === undefined || (port >= p.port && port <= (p.endPort ?? p.port)));
  return selecting.some((p) =>
    ((direction === "Ingress" ? p.spec.ingress : p.spec.egress) ?? []).some((rule: Rule) => {
      const peers = direction === "Ingress" ? rule.from : rule.to;
      return (
        (peers === undefined || peers.some((peer) => peerMatches(peer, pod.namespace, other))) && (rule.ports === undefined || rule.ports.some(portMatches))
      );
    }),
  );
}

/**
 * Whether `from` may open a connection to `to` on `port` as the Kubernetes NetworkPolicy semantics say:
 * the egress policies selecting `from` and the ingress policies selecting `to` must both let it through.
 */
export function allowed(policies: readonly K8sObject[], from: Endpoint, to: Endpoint, port: number, protocol = "TCP"): boolean {
  return admits(policies, "Egress", from, to, port, protocol) && admits(policies, "Ingress", to, from, port, protocol);
}

/** A route the Pomerium Ingress Controller makes of one path of one Ingress rule. */
export interface PomeriumRoute {
  readonly ingress: string;
  readonly from: string;
  readonly path?: string;
  readonly regex?: string;
  readonly prefix?: string;
  readonly annotations: Record<string, unknown>;
}

/** Pomerium's routes of the Ingresses in `list`, in the order Envoy tries them (`config.SortPolicies`). */
export function pomeriumRoutes(list: readonly K8sObject[]): PomeriumRoute[] {
  const routes: PomeriumRoute[] = [];
  for (const ing of list.filter((o) => o.kind === "Ingress")) {
    const annotations = ing.metadata.annotations ?? {};
    const regex = annotations["ingress.pomerium.io/path_regex"] === "true";
    for (const rule of ing.spec.rules) {
      for (const p of rule.http.paths as { path: string; pathType: string }[]) {
        const match = p.pathType === "Exact" ? { path: p.path } : p.pathType === "ImplementationSpecific" && regex ? { regex: p.path } : { prefix: p.path };
        routes.push({ ingress: ing.metadata.name, from: `https://${rule.host}`, annotations, ...match });
      }
    }
  }
  const desc = (a = "", b = "") => (a === b ? 0 : a > b ? -1 : 1);
  return routes.sort(
    (a, b) => (a.from === b.from ? 0 : a.from < b.from ? -1 : 1) || desc(a.path, b.path) || desc(a.regex, b.regex) || desc(a.prefix, b.prefix),
  );
}

/**
 * Where Pomerium sends `requestTarget` on `host`: the first route that matches the cleaned path (an exact
 * path, a regular expression matched whole with RE2, or a plain string prefix), with the path it forwards.
 * `undefined` route: no route (404); `undefined` path: rejected before routing.
 */
export function pomeriumRoute(routes: readonly PomeriumRoute[], host: string, requestTarget: string, cleaning: PathCleaning) {
  const path = cleanPath(requestTarget, cleaning);
  if (path === undefined) return { route: undefined, path };
  const route = routes.find(
    (r) =>
      r.from === `https://${host}` &&
      (r.path !== undefined ? path === r.path : r.regex !== undefined ? RE2JS.compile(r.regex).matches(path) : path.startsWith(r.prefix ?? "/")),
  );
  return { route, path };
}
