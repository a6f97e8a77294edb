import type { ImmichFamilySpec } from "@family/immich-spec";
import { App, Chart, Testing } from "cdk8s";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  allowed,
  container,
  drillObjects,
  envOf,
  exampleSpec,
  find,
  type K8sObject,
  OUTSIDE,
  objects,
  type Pod,
  specWith,
  barmanPluginBackup,
} from "../test/helpers.js";
import { installContext } from "./_names.js";
import { type RenderRestoreDrillOptions, renderRestoreDrill } from "./render.js";
import { drillNames, maxBackupAge, RestoreDrill, type RestoreDrillProps } from "./restore-drill.js";

const SNAPSHOTS = { backup: "rincewind-postgres-backup-20261205030000", storage: "rincewind-postgres-backup-20261205030000" };
const family = exampleSpec("family");
const plugin = specWith("ponder", (s) => {
  s.targets.kubernetes.database.backup = barmanPluginBackup();
});
const list = (spec: ImmichFamilySpec = family, options: RenderRestoreDrillOptions = { snapshots: SNAPSHOTS }) =>
  drillObjects(spec, options).map((o) => o.object);

describe("drillNames", () => {
  const named = (clusterName: string) => {
    const spec = specWith("family", (s) => (s.targets.kubernetes.database.clusterName = clusterName));
    return drillNames(installContext(spec, spec.targets.kubernetes!));
  };

  it("names the drill's objects apart from the live install's", () => {
    const n = drillNames(installContext(family, family.targets.kubernetes!));
    expect(n.cluster).toBe("rincewind-postgres-drill");
    expect(n.clusterAppSecret).toBe("rincewind-postgres-drill-app");
    expect(n.job).toBe("rincewind-restore-drill");
    expect(n.spec).toBe("rincewind-restore-drill-spec");
    expect([n.networkPolicy("database"), n.networkPolicy("check")]).toEqual(["rincewind-restore-drill-database", "rincewind-restore-drill-check"]);
  });

  it("keeps the recovery Cluster's name within CloudNativePG's 50 characters, distinct and stable", () => {
    const live = `${"a".repeat(38)}-postgres`;
    const n = named(live);
    expect(n.cluster.length).toBeLessThanOrEqual(50);
    expect(n.cluster).toMatch(/^a{37}-[0-9a-f]{6}-drill$/);
    expect(named(live).cluster).toBe(n.cluster);
    expect(named(`${"a".repeat(38)}-postgrex`).cluster).not.toBe(n.cluster);
    expect(named("x".repeat(44)).cluster).toBe(`${"x".repeat(44)}-drill`);
  });
});

describe("RestoreDrill by volume snapshot", () => {
  const drill = list();
  const cluster = find(drill, "Cluster", "rincewind-postgres-drill");

  it("bootstraps a one-instance Cluster from the Backup's data snapshot, as the live one's database and owner", () => {
    expect(cluster.metadata.namespace).toBe("photos");
    expect(cluster.spec.instances).toBe(1);
    expect(cluster.spec.bootstrap).toEqual({
      recovery: {
        database: "immich",
        owner: "immich",
        volumeSnapshots: { storage: { name: SNAPSHOTS.storage, kind: "VolumeSnapshot", apiGroup: "snapshot.storage.k8s.io" } },
      },
    });
    expect(cluster.metadata.annotations).toEqual({
      "immich-family.dev/restore-drill-of": "rincewind-postgres",
      "immich-family.dev/restore-drill-backup": SNAPSHOTS.backup,
    });
  });

  it("runs the live cluster's image, preload, parameters and storage", () => {
    const live = find(objects(family), "Cluster", "rincewind-postgres");
    expect(cluster.spec.imageName).toBe(live.spec.imageName);
    expect(cluster.spec.postgresql).toEqual(live.spec.postgresql);
    expect(cluster.spec.storage).toEqual(live.spec.storage);
  });

  it("labels the Cluster apart from the check, so instances that inherit its labels stay out of the check's policy", () => {
    const checkSelector = find(drill, "NetworkPolicy", "rincewind-restore-drill-check").spec.podSelector.matchLabels;
    const inherited = cluster.metadata.labels as Record<string, string>;
    expect(Object.entries(checkSelector).every(([k, v]) => inherited[k] === v)).toBe(false);
    expect(inherited).toMatchObject({ "app.kubernetes.io/component": "restore-drill", "app.kubernetes.io/name": "postgresql" });
  });

  it("takes no backups, archives no WAL, manages no roles and creates no Database of its own", () => {
    expect(cluster.spec.backup).toBeUndefined();
    expect(cluster.spec.plugins).toBeUndefined();
    expect(cluster.spec.managed).toBeUndefined();
    expect(cluster.spec.externalClusters).toBeUndefined();
    expect(drill.map((o) => o.kind).sort()).toEqual(["Cluster", "ConfigMap", "Job", "NetworkPolicy", "NetworkPolicy"]);
  });

  it("refuses to render without the snapshots to restore, or without backups declared", () => {
    expect(() => renderRestoreDrill(family)).toThrow(/needs the snapshots of the Backup/);
    const none = specWith("family", (s) => delete s.targets.kubernetes.database.backup);
    expect(() => renderRestoreDrill(none, { snapshots: SNAPSHOTS })).toThrow(/declares no backups/);
  });
});

/** What `renderRestoreDrill` gives the construct for the family example, for tests that build it in a chart of their own. */
function constructProps(): RestoreDrillProps {
  const target = family.targets.kubernetes!;
  return {
    install: installContext(family, target),
    database: family.database,
    cluster: target.database,
    snapshots: SNAPSHOTS,
    operatorNamespace: "cnpg-system",
    image: "check:1",
    specYaml: "{}",
    libraries: [],
  };
}

describe("RestoreDrill as a construct", () => {
  it("refuses a plugin backup that names no plugin, before it renders anything", () => {
    const chart = new Chart(new App(), "mine");
    const props = constructProps();
    const cluster = { ...props.cluster, backup: { schedule: "0 30 1 * * *", method: "plugin" as const } };
    expect(() => new RestoreDrill(chart, "drill", { ...props, cluster })).toThrow(
      "targets.kubernetes.database.backup.pluginName: required when the method is plugin, e.g. barman-cloud.cloudnative-pg.io",
    );
    expect(chart.toJson()).toEqual([]);
  });
});

describe("RestoreDrill through the Barman Cloud plugin", () => {
  const cluster = find(list(plugin, {}), "Cluster", "ponder-postgres-drill");

  it("restores the newest backup of the live cluster's object store, named by its server name, and archives nothing", () => {
    expect(cluster.spec.bootstrap).toEqual({ recovery: { database: "immich", owner: "immich_admin", source: "ponder-postgres" } });
    expect(cluster.spec.externalClusters).toEqual([
      {
        name: "ponder-postgres",
        plugin: { name: "barman-cloud.cloudnative-pg.io", parameters: { barmanObjectName: "nas-minio", serverName: "ponder-postgres" } },
      },
    ]);
    expect(cluster.spec.plugins).toBeUndefined();
    expect(cluster.metadata.annotations).toEqual({ "immich-family.dev/restore-drill-of": "ponder-postgres" });
  });

  it("keeps a server name the spec gives, and passes another plugin's parameters as they are", () => {
    const named = specWith("ponder", (s) => {
      s.targets.kubernetes.database.backup = {
        schedule: "0 0 2 * * *",
        method: "plugin",
        pluginName: "barman-cloud.cloudnative-pg.io",
        pluginParameters: { barmanObjectName: "nas-minio", serverName: "ponder-2025" },
      };
    });
    expect(find(list(named, {}), "Cluster", "ponder-postgres-drill").spec.externalClusters[0].plugin.parameters.serverName).toBe("ponder-2025");
    const other = specWith("ponder", (s) => {
      s.targets.kubernetes.database.backup = { schedule: "0 0 2 * * *", method: "plugin", pluginName: "backup.example.com", pluginParameters: { bucket: "b" } };
    });
    expect(find(list(other, {}), "Cluster", "ponder-postgres-drill").spec.externalClusters[0].plugin).toEqual({
      name: "backup.example.com",
      parameters: { bucket: "b" },
    });
  });
});

describe("the check Job", () => {
  const drill = list();
  const job = find(drill, "Job", "rincewind-restore-drill");
  const pod = job.spec.template.spec;
  const check = pod.containers[0];

  it("runs `immich-family backup check` of the mounted spec with the product's image, once", () => {
    expect(check.image).toBe("ghcr.io/immich-family/immich-family:0.1.0");
    expect(check.command).toEqual(["immich-family", "backup", "check", "/etc/immich-family/worker-spec.yaml"]);
    expect(job.spec.backoffLimit).toBe(0);
    expect(job.spec.activeDeadlineSeconds).toBe(3600);
    expect(pod.restartPolicy).toBe("Never");
    const spec = find(drill, "ConfigMap", "rincewind-restore-drill-spec");
    expect(pod.volumes.find((v: { name: string }) => v.name === "spec").configMap.name).toBe("rincewind-restore-drill-spec");
    expect(check.volumeMounts.find((m: { name: string }) => m.name === "spec")).toEqual({ name: "spec", mountPath: "/etc/immich-family", readOnly: true });
    // The worker's copy of the spec: the Kubernetes target only.
    const mounted = parse(spec.data["worker-spec.yaml"]);
    expect(Object.keys(mounted.targets)).toEqual(["kubernetes"]);
    expect(mounted).toEqual(parse(find(objects(family), "ConfigMap", "rincewind-worker-spec").data["worker-spec.yaml"]));
  });

  it("reads the restored database's URL from the recovery Cluster's app Secret, and nothing else secret", () => {
    expect(envOf(check)).toEqual({ DRILL_DATABASE_URL: "secret:rincewind-postgres-drill-app/uri" });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it("mounts the media volume and every library read-only where the server sees them", () => {
    const server = container(find(objects(family), "Deployment", "rincewind-server"), "server");
    const serverMounts = server.volumeMounts.filter((m: { name: string }) => m.name === "upload" || m.name.startsWith("library-"));
    const checkMounts = check.volumeMounts.filter((m: { name: string }) => m.name === "media" || m.name.startsWith("library-"));
    expect(checkMounts.map((m: { mountPath: string }) => m.mountPath)).toEqual(serverMounts.map((m: { mountPath: string }) => m.mountPath));
    expect(checkMounts.every((m: { readOnly?: boolean }) => m.readOnly === true)).toBe(true);
    const claims = pod.volumes
      .filter((v: { persistentVolumeClaim?: unknown }) => v.persistentVolumeClaim)
      .map((v: { persistentVolumeClaim: unknown }) => v.persistentVolumeClaim);
    expect(claims).toEqual([
      { claimName: "rincewind-upload", readOnly: true },
      { claimName: "rincewind-library-family", readOnly: true },
      { claimName: "rincewind-library-travel", readOnly: true },
    ]);
    expect(check.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  });

  it("runs on the server's node, where the ReadWriteOnce upload claim is attached", () => {
    const server = find(objects(family), "Deployment", "rincewind-server");
    expect(pod.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      { labelSelector: { matchLabels: server.spec.selector.matchLabels }, topologyKey: "kubernetes.io/hostname" },
    ]);
  });

  it("mounts an adopted install's media folder and upload claim", () => {
    const adopted = specWith("family", (s) => {
      s.immich.mediaLocation = "/usr/src/app/upload";
      s.targets.kubernetes.upload.claimName = "immich-library";
    });
    const job = find(list(adopted), "Job", "rincewind-restore-drill").spec.template.spec;
    expect(job.containers[0].volumeMounts.find((m: { name: string }) => m.name === "media")).toEqual({
      name: "media",
      mountPath: "/usr/src/app/upload",
      readOnly: true,
    });
    expect(job.volumes.find((v: { name: string }) => v.name === "media").persistentVolumeClaim).toEqual({ claimName: "immich-library", readOnly: true });
  });

  it("as a construct without the media volume, mounts only the spec, /tmp and the libraries, and runs on any node", () => {
    const chart = new Chart(new App(), "mine");
    const library = { volume: "library-family", path: "/mnt/photos/family", claimName: "photos" };
    new RestoreDrill(chart, "drill", { ...constructProps(), libraries: [library] });
    const bare = find(Testing.synth(chart) as K8sObject[], "Job", "rincewind-restore-drill").spec.template.spec;
    expect(bare.affinity).toBeUndefined();
    expect(bare.containers[0].volumeMounts.map((m: { name: string }) => m.name)).toEqual(["spec", "tmp", "library-family"]);
    expect(bare.volumes.map((v: { name: string }) => v.name)).toEqual(["spec", "tmp", "library-family"]);
  });

  it("uses an existing claim for a library the spec keeps one for", () => {
    const kept = specWith("family", (s) => (s.targets.kubernetes.libraries.family = { existingClaim: "photos" }));
    const volumes = find(list(kept), "Job", "rincewind-restore-drill").spec.template.spec.volumes;
    expect(volumes.find((v: { name: string }) => v.name === "library-family").persistentVolumeClaim).toEqual({ claimName: "photos", readOnly: true });
  });
});

describe("the drill's network", () => {
  const live = objects(family);
  const drill = list();
  const policies = [...live, ...drill].filter((o) => o.kind === "NetworkPolicy");
  const jobLabels = find(drill, "Job", "rincewind-restore-drill").spec.template.metadata.labels;
  const pods: Record<string, Pod> = {
    drill: { namespace: "photos", labels: { "cnpg.io/cluster": "rincewind-postgres-drill", "cnpg.io/podRole": "instance" } },
    recoveryJob: { namespace: "photos", labels: { "cnpg.io/cluster": "rincewind-postgres-drill", "cnpg.io/jobRole": "snapshot-recovery" } },
    check: { namespace: "photos", labels: jobLabels },
    live: { namespace: "photos", labels: { "cnpg.io/cluster": "rincewind-postgres", "cnpg.io/podRole": "instance" } },
    server: { namespace: "photos", labels: find(live, "Deployment", "rincewind-server").spec.template.metadata.labels },
    operator: { namespace: "cnpg-system", labels: {} },
    dns: { namespace: "kube-system", labels: { "k8s-app": "kube-dns" } },
  };
  const can = (from: keyof typeof pods | typeof OUTSIDE, to: keyof typeof pods | typeof OUTSIDE, port: number, protocol = "TCP") =>
    allowed(policies, from === OUTSIDE ? OUTSIDE : (pods[from] as Pod), to === OUTSIDE ? OUTSIDE : (pods[to] as Pod), port, protocol);

  it("gives the recovery Cluster and the checks no path to the live database", () => {
    for (const from of ["drill", "recoveryJob", "check"] as const) {
      for (const port of [5432, 8000]) expect(can(from, "live", port), `${from} → live:${port}`).toBe(false);
    }
    // Whatever the spec says about the live install's own policies.
    const open = objects(specWith("family", (s) => (s.targets.kubernetes.networkPolicies = { enabled: false })));
    const onlyDrill = [...open, ...drill].filter((o) => o.kind === "NetworkPolicy");
    expect(allowed(onlyDrill, pods.drill as Pod, pods.live as Pod, 5432)).toBe(false);
    expect(allowed(onlyDrill, pods.check as Pod, pods.live as Pod, 5432)).toBe(false);
  });

  it("lets the checks reach the restored database and DNS only, and nobody reach the checks", () => {
    expect(can("check", "drill", 5432)).toBe(true);
    expect(can("check", "dns", 53, "UDP")).toBe(true);
    expect(can("check", "server", 2283)).toBe(false);
    expect(can("check", OUTSIDE, 443)).toBe(false);
    expect(can("server", "check", 8080)).toBe(false);
  });

  it("keeps what CloudNativePG needs: the operator and the instances on 5432 and 8000, the API server and the object store", () => {
    expect(can("operator", "drill", 8000)).toBe(true);
    expect(can("operator", "drill", 5432)).toBe(true);
    expect(can("drill", "drill", 5432)).toBe(true);
    expect(can("drill", OUTSIDE, 443)).toBe(true);
    expect(can("drill", OUTSIDE, 6443)).toBe(true);
    expect(can("recoveryJob", OUTSIDE, 9000)).toBe(true);
    expect(can("drill", "dns", 53, "UDP")).toBe(true);
  });

  it("keeps the live install out of the recovery Cluster", () => {
    expect(can("server", "drill", 5432)).toBe(false);
    expect(can("live", "drill", 5432)).toBe(false);
  });
});

describe("renderRestoreDrill", () => {
  it("writes the Cluster with its policies, the check, and a kustomization of both in the live namespace", () => {
    const { files, names } = renderRestoreDrill(family, { snapshots: SNAPSHOTS });
    expect(files.map((f) => f.path)).toEqual(["cluster.yaml", "check.yaml", "kustomization.yaml"]);
    expect(parse(files[2]?.content ?? "")).toEqual({
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      namespace: "photos",
      resources: ["cluster.yaml", "check.yaml"],
    });
    // The policies are applied before the Cluster's pods can start.
    expect(drillObjects(family, { snapshots: SNAPSHOTS }).map((o) => `${o.file} ${o.object.kind}`)).toEqual([
      "cluster.yaml NetworkPolicy",
      "cluster.yaml NetworkPolicy",
      "cluster.yaml Cluster",
      "check.yaml ConfigMap",
      "check.yaml Job",
    ]);
    expect(names.cluster).toBe("rincewind-postgres-drill");
  });

  it("tags the check's image with the tool version, or the spec's worker image", () => {
    const image = (spec: ImmichFamilySpec, toolVersion?: string) =>
      find(list(spec, { snapshots: SNAPSHOTS, toolVersion }), "Job", "rincewind-restore-drill").spec.template.spec.containers[0].image;
    expect(image(family, "9.9.9")).toBe("ghcr.io/immich-family/immich-family:9.9.9");
    expect(image(specWith("family", (s) => (s.worker.image = "registry.lan/immich-family:1.2.3")))).toBe("registry.lan/immich-family:1.2.3");
  });
});

describe("maxBackupAge", () => {
  it("allows a day and a bit for a daily schedule, a week for a weekly one, a month for a monthly one", () => {
    expect(maxBackupAge("0 0 3 * * *")).toEqual({ ms: 30 * 3_600_000, every: "day" });
    expect(maxBackupAge("0 */30 * * * *")).toEqual({ ms: 30 * 3_600_000, every: "day" });
    expect(maxBackupAge("0 0 4 * * 0")).toEqual({ ms: (7 * 24 + 6) * 3_600_000, every: "week" });
    expect(maxBackupAge("0 0 4 1 * *")).toEqual({ ms: 32 * 24 * 3_600_000, every: "month" });
  });
});
