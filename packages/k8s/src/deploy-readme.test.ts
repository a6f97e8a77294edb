import type { ImmichFamilySpec } from "@family/immich-spec";
import { describe, expect, it } from "vitest";
import { drillObjects, exampleSpec, type K8sObject, renderedObjects, specWith } from "../test/helpers.js";
import { renderKubernetes } from "./render.js";

// API groups Kubernetes itself serves: objects in them need nothing installed.
const BUILT_IN = new Set(["", "apps", "batch", "networking.k8s.io", "policy", "rbac.authorization.k8s.io"]);

/**
 * What the README must name for these objects, derived from the objects read back from the rendered
 * YAML (apiVersion groups, CSI drivers, ingress classes, cert-manager annotations, backup methods),
 * independently of the README's own code.
 */
function needs(objects: readonly K8sObject[]): string[] {
  const out = new Set<string>();
  for (const o of objects) {
    const group = o.apiVersion.includes("/") ? o.apiVersion.split("/")[0]! : "";
    if (group === "postgresql.cnpg.io") out.add("CloudNativePG operator");
    else if (group === "monitoring.coreos.com") out.add("Prometheus operator");
    else if (!BUILT_IN.has(group)) throw new Error(`${o.kind} ${o.metadata.name} is in the API group ${group}: name its operator in the README and here`);
    if (o.kind === "PersistentVolume" && o.spec.csi) {
      out.add(o.spec.csi.driver);
      if (o.spec.csi.driver === "nfs.csi.k8s.io") out.add("csi-driver-nfs");
    }
    if (o.kind === "Ingress") {
      out.add(`IngressClass \`${o.spec.ingressClassName}\``);
      if (o.spec.ingressClassName === "pomerium") out.add("Pomerium Ingress Controller");
    }
    const issuer = o.metadata.annotations?.["cert-manager.io/cluster-issuer"];
    if (typeof issuer === "string") {
      out.add("cert-manager");
      out.add(`ClusterIssuer \`${issuer}\``);
    }
    if (o.kind === "Cluster" && o.spec.backup?.volumeSnapshot) out.add("snapshot.storage.k8s.io");
    if (o.kind === "NetworkPolicy") out.add("enforces NetworkPolicy");
    for (const plugin of o.kind === "Cluster" ? (o.spec.plugins ?? []) : []) out.add(`\`${plugin.name}\``);
  }
  return [...out].sort();
}

function readme(spec: ImmichFamilySpec): string {
  const file = renderKubernetes(spec).find((f) => f.path === "README.md");
  if (!file) throw new Error("no README.md in the rendered folder");
  return file.content;
}

/** The "Before you apply" section: the prerequisites. */
function prerequisitesOf(text: string): string {
  const section = /## Before you apply\n([\s\S]*?)\n## /.exec(text)?.[1];
  if (!section) throw new Error(`no "Before you apply" section in:\n${text}`);
  return section;
}

const variants: [string, ImmichFamilySpec][] = [
  ["ponder", exampleSpec("ponder")],
  ["family (podMonitor, snapshot backups)", exampleSpec("family")],
  [
    "ponder with plugin backups, an nginx ingress and no issuer",
    specWith("ponder", (s) => {
      s.targets.kubernetes.database.backup = {
        schedule: "0 0 3 * * *",
        method: "plugin",
        pluginName: "barman-cloud.cloudnative-pg.io",
        pluginParameters: { barmanObjectName: "family-store" },
      };
      s.targets.kubernetes.ingress = { className: "nginx" };
    }),
  ],
  [
    "ponder with an existing claim for its library",
    specWith("ponder", (s) => {
      s.targets.kubernetes.libraries = { fotos: { existingClaim: "fotos-pvc" } };
    }),
  ],
];

describe("the rendered folder's README", () => {
  it("is rendered beside kustomization.yaml", () => {
    expect(renderKubernetes(exampleSpec("ponder")).map((f) => f.path)).toContain("README.md");
  });

  it.each(variants)("%s: names every operator and controller the rendered objects need", (_name, spec) => {
    const wanted = needs(renderedObjects(spec).map((o) => o.object));
    expect(wanted.length).toBeGreaterThan(2);
    const section = prerequisitesOf(readme(spec));
    expect(wanted.filter((w) => !section.includes(w))).toEqual([]);
  });

  it("names no operator the objects do not need", () => {
    const ponder = prerequisitesOf(readme(exampleSpec("ponder")));
    expect(ponder).not.toContain("Prometheus operator");
    expect(ponder).not.toContain("snapshot.storage.k8s.io");
    const noIssuer = prerequisitesOf(readme(variants[2]![1]));
    expect(noIssuer).not.toContain("cert-manager");
    expect(noIssuer).not.toContain("Pomerium Ingress Controller");
    expect(prerequisitesOf(readme(variants[3]![1]))).not.toContain("csi-driver-nfs");
  });

  it("names the versions the objects were checked against", () => {
    expect(prerequisitesOf(readme(exampleSpec("ponder")))).toContain("CloudNativePG operator 1.30.0");
  });

  it("names the StorageClasses the upload and database volumes use, or the cluster's default", () => {
    expect(prerequisitesOf(readme(exampleSpec("ponder")))).toContain(
      "The upload and database volumes use the StorageClass `longhorn-nvme`: check that it exists (`kubectl get storageclass`).",
    );
    const none = specWith("ponder", (s) => delete s.targets.kubernetes.storageClass);
    expect(prerequisitesOf(readme(none))).toContain("use the cluster's default StorageClass: check that one is marked default");
    const mixed = specWith("ponder", (s) => {
      delete s.targets.kubernetes.storageClass;
      s.targets.kubernetes.upload.storageClass = "fast";
    });
    expect(prerequisitesOf(readme(mixed))).toContain("use the StorageClasses `fast` and (the default): check that they exist");
  });

  it("says how to create the secrets env file kustomize reads, and the apply order and checks", () => {
    const text = readme(exampleSpec("family"));
    expect(text).toContain("`kubectl apply -k` fails until `secrets.env` exists in this folder");
    expect(text).toContain("immich-family secrets immich-family.yaml --target kubernetes --output env > secrets.env");
    expect(text.indexOf("## Secrets")).toBeLessThan(text.indexOf("## Apply"));
    expect(text).toContain("kubectl apply -k .");
    expect(text).toContain("kubectl -n photos wait cluster.postgresql.cnpg.io/rincewind-postgres --for=condition=Ready");
    expect(text).toContain("kubectl -n photos rollout status deployment/rincewind-server");
  });

  it("with an existing Secret, says to create that Secret instead of an env file", () => {
    const text = readme(
      specWith("ponder", (s) => {
        s.targets.kubernetes.secrets = { existingSecret: "immich-secrets" };
      }),
    );
    expect(text).toContain("The spec names the existing Secret `immich-secrets` in the namespace `immich`");
    expect(text).not.toContain("secrets.env` exists");
  });

  it("makes the first admin through a port-forward, since the Ingresses refuse the sign-up", () => {
    const text = readme(exampleSpec("family"));
    expect(text).toContain("The Ingress `rincewind-admin-sign-up` refuses that path in every spelling on every host");
    expect(text).toContain("`kubectl -n photos port-forward service/rincewind-server 2283:2283`, open http://127.0.0.1:2283");
    expect(text).not.toContain("open https://photos.rincewind.family: Immich shows its onboarding wizard");
  });

  it("says an adopted install has no first admin to make, and how a fresh one gets it: the worker, bootstrap, or by hand", () => {
    const text = readme(exampleSpec("family"));
    expect(text).toContain("- An install that already has its users (adopted from a running Immich, its members imported) has no first admin to make");
    expect(text).not.toMatch(/first account (you create )?becomes the admin/);
    const withPassword = readme(
      specWith("family", (s) => {
        const [handle] = Object.entries(s.members).find(([, m]) => (m as { admin?: boolean }).admin) as [string, unknown];
        (s.members[handle] as { password?: string }).password = "${ADMIN_PASSWORD}";
      }),
    );
    expect(withPassword).toMatch(/The worker does it when it starts: with no admin on the server and no key in `IMMICH_API_KEY`, it signs up `\w+`/);
    expect(withPassword).toContain(
      "`IMMICH_URL=http://127.0.0.1:2283 immich-family bootstrap` through `kubectl -n photos port-forward service/rincewind-server 2283:2283` does the same",
    );
    expect(text).not.toContain("The worker does it when it starts");
    expect(text).toContain(
      "- The worker uses the admin API key `IMMICH_API_KEY` of the Secret (see `secrets.env.example`): on an adopted install, an admin's key",
    );
    expect(text).not.toContain("or none: the worker then makes its own");
    expect(withPassword).toContain("or none: the worker then makes its own with the first admin's password, a new one for each new pod.");
    expect(text).toMatch(/`immich-family bootstrap` does it: give `members\.\w+\.password`/);
  });

  it("explains the restore drill when the spec takes backups: the command, what it creates, the fence, the checks, what it skips, the clean-up", () => {
    const text = readme(exampleSpec("family"));
    const section = /## Is the backup any good\? The restore drill\n([\s\S]*)$/.exec(text)?.[1] ?? "";
    expect(section).toContain("immich-family backup verify immich-family.yaml --target kubernetes --apply");
    expect(section).toContain(
      "the CloudNativePG `Cluster` `rincewind-postgres-drill` (one instance, the live cluster's image, parameters and storage), bootstrapped from the data VolumeSnapshot of the newest completed `Backup` of `rincewind-postgres`",
    );
    expect(section).toContain("`rincewind-restore-drill-database` and `rincewind-restore-drill-check`");
    expect(section).toContain("`DRILL_DATABASE_URL` from the Secret `rincewind-postgres-drill-app`");
    expect(section).toContain("since `rincewind-upload` is ReadWriteOnce, the Job runs on the server's node");
    expect(section).toContain("**Skipped, and why**: the comparison of counts with the live database");
    expect(section).toContain("when the newest is older than the schedule `0 0 3 * * *` allows (the backups stopped): 30 hours, for a backup every day.");
    expect(section).toContain("The drill is rendered on demand, not into this folder");
    // Every name the section gives is one the drill renders.
    const drill = drillObjects(exampleSpec("family"), { snapshots: { backup: "b", storage: "b" } }).map((o) => o.object.metadata.name);
    for (const name of drill) expect(section).toContain(`\`${name}\``);
  });

  it("names the plugin and its server name for plugin backups, and has no drill without backups", () => {
    expect(readme(variants[2]![1])).toContain(
      "bootstrapped from the newest backup in the object store of the plugin `barman-cloud.cloudnative-pg.io`, filed under the server name `ponder-postgres`",
    );
    expect(readme(exampleSpec("ponder"))).not.toContain("restore drill");
  });
});
