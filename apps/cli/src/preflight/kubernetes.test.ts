import { describe, expect, it } from "vitest";
import { exampleSpec, fakeKubectl, standIns, unreachableKubectl } from "../../test/helpers.js";
import { runPreflight } from "./run-preflight.js";

const FAMILY_CRDS = [
  "crd clusters.postgresql.cnpg.io",
  "crd databases.postgresql.cnpg.io",
  "crd scheduledbackups.postgresql.cnpg.io",
  "crd volumesnapshots.snapshot.storage.k8s.io",
  "crd podmonitors.monitoring.coreos.com",
  "crd clusterissuers.cert-manager.io",
  "crd pomerium.ingress.pomerium.io",
];
const FAMILY_OBJECTS = [...FAMILY_CRDS, "namespace photos", "ingressclass pomerium", "clusterissuer letsencrypt-prod", "storageclass longhorn-nvme"];

const preflight = (spec: ReturnType<typeof exampleSpec>, env: NodeJS.ProcessEnv) =>
  runPreflight({ spec, cwd: "/", env, target: "kubernetes", out: "rendered" });
const rows = (report: Awaited<ReturnType<typeof preflight>>) => report.targets.flatMap((t) => t.checks);

describe("Kubernetes preflight (stand-in kubectl)", () => {
  it("passes when every CRD, the ingress class, the issuer, the storage class and the namespace exist", async () => {
    const path = standIns();
    fakeKubectl(path.dir, FAMILY_OBJECTS);
    const report = await preflight(exampleSpec("family.yaml"), path.env);
    expect(rows(report).filter((c) => c.status !== "pass")).toEqual([]);
    expect(report.ok).toBe(true);
    expect(rows(report).map((c) => c.check)).toEqual([
      "cluster reachable",
      "Namespace photos",
      ...FAMILY_CRDS.map((c) => `CRD ${c.slice(4)}`),
      "IngressClass pomerium",
      "ClusterIssuer letsencrypt-prod",
      "StorageClass longhorn-nvme",
    ]);
    expect(path.calls()).toEqual(
      expect.arrayContaining([
        "kubectl get namespace photos",
        "kubectl get crd podmonitors.monitoring.coreos.com",
        "kubectl get ingressclass pomerium -o jsonpath={.spec.controller}",
      ]),
    );
  });

  it("fails what is missing, with its fix, and still runs every other check", async () => {
    const path = standIns();
    fakeKubectl(
      path.dir,
      FAMILY_OBJECTS.filter((o) => !["crd clusters.postgresql.cnpg.io", "storageclass longhorn-nvme", "ingressclass pomerium"].includes(o)),
    );
    const report = await preflight(exampleSpec("family.yaml"), path.env);
    expect(report.ok).toBe(false);
    const failed = rows(report).filter((c) => c.status === "fail");
    expect(failed).toEqual([
      {
        check: "CRD clusters.postgresql.cnpg.io",
        status: "fail",
        detail: 'Error from server (NotFound): crd "clusters.postgresql.cnpg.io" not found',
        fix: "install the CloudNativePG operator (cloudnative-pg.io/documentation/current/installation_upgrade/); needed by Cluster rincewind-postgres",
      },
      {
        check: "IngressClass pomerium",
        status: "fail",
        detail: 'Error from server (NotFound): ingressclasses.networking.k8s.io "pomerium" not found',
        fix: "install the Pomerium Ingress Controller (pomerium.com/docs/deploy/k8s/install), which brings its CRD and IngressClass",
      },
      {
        check: "StorageClass longhorn-nvme",
        status: "fail",
        detail: 'Error from server (NotFound): storageclass "longhorn-nvme" not found',
        fix: "create the storage class longhorn-nvme, or set targets.kubernetes.storageClass to one listed by `kubectl get storageclass`",
      },
    ]);
    expect(rows(report).filter((c) => c.status === "pass")).toHaveLength(1 + FAMILY_OBJECTS.length - 3);
    expect(rows(report)[0]).toEqual({ check: "cluster reachable", status: "pass", detail: "Kubernetes v1.31.2" });
  });

  it("fails an IngressClass that Pomerium does not serve: the SSO gate and the sign-up refusal are Pomerium annotations", async () => {
    const path = standIns();
    const spec = exampleSpec("family.yaml", { "targets.kubernetes.ingress.className": "nginx" });
    fakeKubectl(path.dir, [...FAMILY_OBJECTS, "ingressclass nginx k8s.io/ingress-nginx"]);
    const report = await preflight(spec, path.env);
    expect(report.ok).toBe(false);
    expect(rows(report).filter((c) => c.status !== "pass")).toEqual([
      {
        check: "IngressClass nginx",
        status: "fail",
        detail:
          "served by k8s.io/ingress-nginx, not Pomerium: it ignores the ingress.pomerium.io annotations, so the web UI would have no SSO gate and anyone could claim a fresh install through /api/auth/admin-sign-up",
        fix: "set targets.kubernetes.ingress.className to an IngressClass of the Pomerium Ingress Controller (`kubectl get ingressclass` lists each one's controller)",
      },
    ]);
    fakeKubectl(path.dir, [...FAMILY_OBJECTS, "ingressclass nginx pomerium.io/ingress-controller-2"]);
    expect(rows(await preflight(spec, path.env)).find((c) => c.check === "IngressClass nginx")).toEqual({
      check: "IngressClass nginx",
      status: "pass",
      detail: "served by pomerium.io/ingress-controller-2",
    });
  });

  it("asks only for the CRDs the rendered objects need", async () => {
    const path = standIns();
    fakeKubectl(path.dir, [
      "crd clusters.postgresql.cnpg.io",
      "crd pomerium.ingress.pomerium.io",
      "crd clusterissuers.cert-manager.io",
      "ingressclass pomerium",
      "clusterissuer letsencrypt-prod",
      "storageclass longhorn-nvme",
      "namespace immich",
    ]);
    const report = await preflight(exampleSpec("ponder.yaml"), path.env);
    expect(
      rows(report)
        .filter((c) => c.check.startsWith("CRD "))
        .map((c) => c.check),
    ).toEqual(["CRD clusters.postgresql.cnpg.io", "CRD clusterissuers.cert-manager.io", "CRD pomerium.ingress.pomerium.io"]);
    expect(report.ok).toBe(true);
  });

  it("a missing namespace passes when the render creates it, and fails when an existing Secret must live in it", async () => {
    const path = standIns();
    fakeKubectl(
      path.dir,
      FAMILY_OBJECTS.filter((o) => o !== "namespace photos"),
    );
    const created = rows(await preflight(exampleSpec("family.yaml"), path.env)).find((c) => c.check === "Namespace photos");
    expect(created).toEqual({
      check: "Namespace photos",
      status: "pass",
      detail: "does not exist yet: the rendered namespace.yaml creates it on `kubectl apply -k`",
    });

    const existing = exampleSpec("family.yaml", { "targets.kubernetes.secrets": { existingSecret: "immich-secrets" } });
    const report = await preflight(existing, path.env);
    expect(rows(report).filter((c) => c.check === "Namespace photos" || c.check === "Secret immich-secrets")).toEqual([
      {
        check: "Namespace photos",
        status: "fail",
        detail: "does not exist, but the Secret the spec names (existingSecret) must be created in it first",
        fix: "kubectl create namespace photos, then create the Secret immich-secrets in it",
      },
      expect.objectContaining({ check: "Secret immich-secrets", status: "fail" }),
    ]);
  });

  it("with no storage class named, needs a default one", async () => {
    const spec = exampleSpec("ponder.yaml", {}, ["targets.kubernetes.storageClass"]);
    const path = standIns();
    const objects = [
      "crd clusters.postgresql.cnpg.io",
      "crd pomerium.ingress.pomerium.io",
      "crd clusterissuers.cert-manager.io",
      "ingressclass pomerium",
      "clusterissuer letsencrypt-prod",
      "namespace immich",
    ];
    fakeKubectl(
      path.dir,
      objects,
      JSON.stringify({ items: [{ metadata: { name: "local-path", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } } }] }),
    );
    expect(rows(await preflight(spec, path.env)).find((c) => c.check === "default StorageClass")).toMatchObject({
      status: "pass",
      detail: expect.stringMatching(/^local-path /),
    });
    fakeKubectl(path.dir, objects, JSON.stringify({ items: [{ metadata: { name: "slow" } }] }));
    expect(rows(await preflight(spec, path.env)).find((c) => c.check === "default StorageClass")).toMatchObject({
      status: "fail",
      detail: "the spec names no storage class and the cluster has no default one",
    });
  });

  it("skips every check, each with the command to run by hand, when kubectl is not on the PATH", async () => {
    const path = standIns();
    const report = await preflight(exampleSpec("family.yaml"), path.env);
    expect(new Set(rows(report).map((c) => c.status))).toEqual(new Set(["skip"]));
    expect(rows(report).find((c) => c.check === "CRD clusters.postgresql.cnpg.io")).toEqual({
      check: "CRD clusters.postgresql.cnpg.io",
      status: "skip",
      detail: "kubectl is not on the PATH",
      fix: "install kubectl with access to the cluster, or check by hand: kubectl get crd clusters.postgresql.cnpg.io",
    });
    expect(report.ok).toBe(true);
  });

  it("fails once, with kubectl's reason (not its klog noise), when the cluster cannot be reached, and skips the rest", async () => {
    const path = standIns();
    unreachableKubectl(path.dir);
    const report = await preflight(exampleSpec("family.yaml"), path.env);
    expect(report.ok).toBe(false);
    const [first, ...others] = rows(report);
    expect(first).toEqual({
      check: "cluster reachable",
      status: "fail",
      detail: "The connection to the server localhost:8080 was refused - did you specify the right host or port?",
      fix: "point kubectl at the cluster (kubectl config current-context, or KUBECONFIG) and check it answers `kubectl get --raw /version`",
    });
    expect(new Set(others.map((c) => c.status))).toEqual(new Set(["skip"]));
    expect(others.find((c) => c.check === "StorageClass longhorn-nvme")).toEqual({
      check: "StorageClass longhorn-nvme",
      status: "skip",
      detail: "kubectl cannot reach the cluster (see cluster reachable)",
      fix: "make kubectl reach the cluster, or check by hand: kubectl get storageclass longhorn-nvme",
    });
    expect(path.calls()).toEqual(["kubectl get --raw /version"]);
  });
});
