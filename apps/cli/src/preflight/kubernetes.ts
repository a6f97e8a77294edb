import { clusterReferences, renderKubernetes } from "@family/immich-k8s";
import { type Check, type CheckResult, CLUSTER_ISSUER_ANNOTATION, type ImmichFamilySpec } from "@family/immich-spec";
import { parseAllDocuments } from "yaml";
import type { PreflightContext } from "./check.js";

/** A rendered Kubernetes object, as far as the checks read it. */
interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly annotations?: Record<string, string> };
  readonly spec?: Record<string, unknown>;
}

const cache = new WeakMap<ImmichFamilySpec, K8sObject[]>();

/** Every object the spec renders for Kubernetes (what `kubectl apply -k` would send), rendered once per spec. */
export function renderedObjects(spec: ImmichFamilySpec): K8sObject[] {
  let objects = cache.get(spec);
  if (!objects) {
    objects = renderKubernetes(spec)
      .filter((f) => f.path.endsWith(".yaml") && f.path !== "kustomization.yaml")
      .flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJS() as K8sObject))
      .filter((o) => o?.kind !== undefined);
    cache.set(spec, objects);
  }
  return objects;
}

/** API groups served by Kubernetes itself: no CRD needed. */
const BUILT_IN =
  /^(v1|(apps|batch|policy|autoscaling|networking\.k8s\.io|rbac\.authorization\.k8s\.io|storage\.k8s\.io|coordination\.k8s\.io|discovery\.k8s\.io)\/.+)$/;

/** How to install what owns a CRD group. */
const INSTALL: Record<string, string> = {
  "postgresql.cnpg.io": "install the CloudNativePG operator (cloudnative-pg.io/documentation/current/installation_upgrade/)",
  "monitoring.coreos.com": "install the Prometheus Operator's CRDs (e.g. with kube-prometheus-stack), or set targets.kubernetes.database.podMonitor: false",
  "cert-manager.io": "install cert-manager (cert-manager.io/docs/installation/), or leave targets.kubernetes.ingress.clusterIssuer out",
  "ingress.pomerium.io": "install the Pomerium Ingress Controller (pomerium.com/docs/deploy/k8s/install), which brings its CRD and IngressClass",
  "snapshot.storage.k8s.io":
    "install the CSI snapshot CRDs and controller (kubernetes-csi/external-snapshotter) and a VolumeSnapshotClass, or pick another backup method",
};

interface Crd {
  readonly name: string;
  readonly group: string;
  readonly why: string;
}

/** The CRDs the rendered objects need: their own kinds, cert-manager's ClusterIssuer, Pomerium's settings, volume snapshots. */
export function requiredCrds(spec: ImmichFamilySpec): Crd[] {
  const crds = new Map<string, Crd>();
  const add = (group: string, plural: string, why: string) => {
    const name = `${plural}.${group}`;
    if (!crds.has(name)) crds.set(name, { name, group, why });
  };
  for (const o of renderedObjects(spec)) {
    if (!BUILT_IN.test(o.apiVersion)) {
      const group = o.apiVersion.split("/")[0] ?? o.apiVersion;
      add(group, `${o.kind.toLowerCase()}s`, `${o.kind} ${o.metadata?.name ?? ""}`.trim());
    }
    if (o.kind === "Ingress" && o.metadata?.annotations?.[CLUSTER_ISSUER_ANNOTATION])
      add("cert-manager.io", "clusterissuers", `Ingress ${o.metadata.name} (${CLUSTER_ISSUER_ANNOTATION})`);
    if (o.kind === "Ingress" && o.spec?.ingressClassName === "pomerium") add("ingress.pomerium.io", "pomerium", `Ingress ${o.metadata?.name} (class pomerium)`);
    if (o.kind === "ScheduledBackup" && o.spec?.method === "volumeSnapshot")
      add("snapshot.storage.k8s.io", "volumesnapshots", `ScheduledBackup ${o.metadata?.name} (method volumeSnapshot)`);
  }
  return [...crds.values()];
}

const NOT_FOUND = /NotFound|not found/i;

const kubectl = (ctx: PreflightContext, args: readonly string[]) => ctx.run("kubectl", args);

/** The line of kubectl's error output that says what went wrong: the last one that is not a klog line. */
export function kubectlReason(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const plain = lines.filter((l) => !/^[IWEF][0-9]{4} [0-9:.]+ /.test(l));
  return plain.at(-1) ?? lines.at(-1) ?? "";
}

type Reach = { readonly kind: "no-kubectl" } | { readonly kind: "ok"; readonly version: string } | { readonly kind: "unreachable"; readonly reason: string };
const reaches = new WeakMap<PreflightContext, Promise<Reach>>();

/** Whether kubectl is there and reaches the cluster, asked once per preflight run. */
function reach(ctx: PreflightContext): Promise<Reach> {
  let r = reaches.get(ctx);
  if (!r) {
    r = kubectl(ctx, ["get", "--raw", "/version"]).then((k): Reach => {
      if (k.missing) return { kind: "no-kubectl" };
      if (k.code !== 0) return { kind: "unreachable", reason: kubectlReason(k.stderr) || `kubectl exited with ${k.code}` };
      try {
        return { kind: "ok", version: String((JSON.parse(k.stdout) as { gitVersion?: unknown }).gitVersion ?? "unknown") };
      } catch {
        return { kind: "ok", version: "unknown" };
      }
    });
    reaches.set(ctx, r);
  }
  return r;
}

const REACH_FIX = "point kubectl at the cluster (kubectl config current-context, or KUBECONFIG) and check it answers `kubectl get --raw /version`";

const cluster: Check<PreflightContext> = {
  name: "cluster reachable",
  run: async (ctx) => {
    const r = await reach(ctx);
    const check = "cluster reachable";
    if (r.kind === "no-kubectl")
      return [{ check, status: "skip", detail: "kubectl is not on the PATH", fix: "install kubectl with access to the cluster to run the checks below" }];
    if (r.kind === "unreachable") return [{ check, status: "fail", detail: r.reason, fix: REACH_FIX }];
    return [{ check, status: "pass", detail: `Kubernetes ${r.version}` }];
  },
};

/** A check that cannot run: no kubectl, or no cluster behind it. */
const cannot = (check: string, r: Exclude<Reach, { kind: "ok" }>, byHand: string): CheckResult => ({
  check,
  status: "skip",
  detail: r.kind === "no-kubectl" ? "kubectl is not on the PATH" : "kubectl cannot reach the cluster (see cluster reachable)",
  fix: `${r.kind === "no-kubectl" ? "install kubectl with access to the cluster" : "make kubectl reach the cluster"}, or check by hand: ${byHand}`,
});

/** `kubectl get <kind> <name>`: pass when it exists, fail with kubectl's words otherwise. */
async function exists(ctx: PreflightContext, check: string, args: readonly string[], found: string, fix: string, absent?: CheckResult): Promise<CheckResult> {
  const byHand = `kubectl get ${args.join(" ")}`;
  const reached = await reach(ctx);
  if (reached.kind !== "ok") return cannot(check, reached, byHand);
  const r = await kubectl(ctx, ["get", ...args]);
  if (r.missing) return cannot(check, { kind: "no-kubectl" }, byHand);
  if (r.code === 0) return { check, status: "pass", detail: found };
  if (absent && NOT_FOUND.test(r.stderr)) return absent;
  return { check, status: "fail", detail: kubectlReason(r.stderr) || `${byHand} exited with ${r.code}`, fix: NOT_FOUND.test(r.stderr) ? fix : REACH_FIX };
}

const crds: Check<PreflightContext> = {
  name: "CRDs installed",
  run: async (ctx) =>
    Promise.all(
      requiredCrds(ctx.spec).map((crd) =>
        exists(
          ctx,
          `CRD ${crd.name}`,
          ["crd", crd.name],
          `installed (${crd.why})`,
          `${INSTALL[crd.group] ?? `install the operator that serves ${crd.group}`}; needed by ${crd.why}`,
        ),
      ),
    ),
};

/** One line per name the objects reference: does the cluster have it? */
function eachExists(ctx: PreflightContext, kind: string, names: readonly string[], fix: (name: string) => string): Promise<CheckResult[]> {
  return Promise.all(names.map((name) => exists(ctx, `${kind} ${name}`, [kind.toLowerCase(), name], "exists", fix(name))));
}

/** Pomerium's controller names: `pomerium.io/ingress-controller`, or another `--name` it was started with. */
const POMERIUM_CONTROLLER = /^pomerium\.io\//;

/** An IngressClass exists and Pomerium serves it: the Ingresses' SSO gate and sign-up refusal are Pomerium annotations. */
async function ingressClass(ctx: PreflightContext, name: string): Promise<CheckResult> {
  const check = `IngressClass ${name}`;
  const args = ["get", "ingressclass", name, "-o", "jsonpath={.spec.controller}"];
  const byHand = `kubectl ${args.join(" ")}`;
  const reached = await reach(ctx);
  if (reached.kind !== "ok") return cannot(check, reached, byHand);
  const r = await kubectl(ctx, args);
  if (r.missing) return cannot(check, { kind: "no-kubectl" }, byHand);
  if (r.code !== 0) {
    const install =
      name === "pomerium"
        ? (INSTALL["ingress.pomerium.io"] ?? "")
        : `install the Pomerium Ingress Controller with the class ${name}, or set targets.kubernetes.ingress.className`;
    return { check, status: "fail", detail: kubectlReason(r.stderr) || `${byHand} exited with ${r.code}`, fix: NOT_FOUND.test(r.stderr) ? install : REACH_FIX };
  }
  const controller = r.stdout.trim();
  if (POMERIUM_CONTROLLER.test(controller)) return { check, status: "pass", detail: `served by ${controller}` };
  return {
    check,
    status: "fail",
    detail: `served by ${controller || "no controller"}, not Pomerium: it ignores the ingress.pomerium.io annotations, so the web UI would have no SSO gate and anyone could claim a fresh install through /api/auth/admin-sign-up`,
    fix: "set targets.kubernetes.ingress.className to an IngressClass of the Pomerium Ingress Controller (`kubectl get ingressclass` lists each one's controller)",
  };
}

const ingressClasses: Check<PreflightContext> = {
  name: "ingress class",
  run: async (ctx) => {
    const classes = clusterReferences(renderedObjects(ctx.spec)).ingressClasses;
    if (classes.length === 0) return [{ check: "ingress class", status: "skip", detail: "the Ingresses name no class (the cluster's default class applies)" }];
    return Promise.all(classes.map((name) => ingressClass(ctx, name)));
  },
};

const clusterIssuers: Check<PreflightContext> = {
  name: "cluster issuer",
  run: async (ctx) =>
    eachExists(
      ctx,
      "ClusterIssuer",
      clusterReferences(renderedObjects(ctx.spec)).clusterIssuers,
      (name) => `create the cert-manager ClusterIssuer ${name}, or set targets.kubernetes.ingress.clusterIssuer to one that exists`,
    ),
};

/** Storage classes named by the rendered claims and the CloudNativePG cluster; "" (static volumes) is not a class. */
export function storageClasses(spec: ImmichFamilySpec): string[] {
  const names = new Set<string>();
  for (const o of renderedObjects(spec)) {
    const s = o.spec ?? {};
    if (o.kind === "PersistentVolumeClaim" && typeof s.storageClassName === "string") names.add(s.storageClassName);
    for (const key of ["storage", "walStorage"]) {
      const v = s[key] as { storageClass?: unknown } | undefined;
      if (o.kind === "Cluster" && typeof v?.storageClass === "string") names.add(v.storageClass);
    }
  }
  names.delete("");
  return [...names].sort();
}

const storage: Check<PreflightContext> = {
  name: "storage class",
  run: async (ctx) => {
    const named = storageClasses(ctx.spec);
    if (named.length > 0) {
      return Promise.all(
        named.map((name) =>
          exists(
            ctx,
            `StorageClass ${name}`,
            ["storageclass", name],
            "exists",
            `create the storage class ${name}, or set targets.kubernetes.storageClass to one listed by \`kubectl get storageclass\``,
          ),
        ),
      );
    }
    const check = "default StorageClass";
    const byHand = "kubectl get storageclass (one must be marked default)";
    const reached = await reach(ctx);
    if (reached.kind !== "ok") return [cannot(check, reached, byHand)];
    const r = await kubectl(ctx, ["get", "storageclass", "-o", "json"]);
    if (r.missing) return [cannot(check, { kind: "no-kubectl" }, byHand)];
    if (r.code !== 0) return [{ check, status: "fail", detail: kubectlReason(r.stderr), fix: REACH_FIX }];
    const items = (JSON.parse(r.stdout) as { items?: { metadata?: { name?: string; annotations?: Record<string, string> } }[] }).items ?? [];
    const byDefault = items.find((i) => i.metadata?.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true");
    return [
      byDefault
        ? { check, status: "pass", detail: `${byDefault.metadata?.name} (the spec names no class, so the claims use the default)` }
        : {
            check,
            status: "fail",
            detail: "the spec names no storage class and the cluster has no default one",
            fix: "set targets.kubernetes.storageClass, or mark a class default (storageclass.kubernetes.io/is-default-class)",
          },
    ];
  },
};

const namespace: Check<PreflightContext> = {
  name: "namespace",
  run: async (ctx) => {
    const target = ctx.spec.targets.kubernetes;
    if (!target) return [];
    const ns = target.namespace;
    const check = `Namespace ${ns}`;
    const existing = "existingSecret" in target.secrets ? target.secrets.existingSecret : undefined;
    const absent: CheckResult = existing
      ? {
          check,
          status: "fail",
          detail: "does not exist, but the Secret the spec names (existingSecret) must be created in it first",
          fix: `kubectl create namespace ${ns}, then create the Secret ${existing} in it`,
        }
      : { check, status: "pass", detail: "does not exist yet: the rendered namespace.yaml creates it on `kubectl apply -k`" };
    const rows = [await exists(ctx, check, ["namespace", ns], "exists", REACH_FIX, absent)];
    if (existing)
      rows.push(
        await exists(
          ctx,
          `Secret ${existing}`,
          ["secret", existing, "-n", ns],
          `exists in ${ns}`,
          `create it in ${ns} with every key \`immich-family secrets --target kubernetes\` lists`,
        ),
      );
    return rows;
  },
};

/** The Kubernetes preflight, one small check per concern. */
export const KUBERNETES_CHECKS: readonly Check<PreflightContext>[] = [cluster, namespace, crds, ingressClasses, clusterIssuers, storage];
