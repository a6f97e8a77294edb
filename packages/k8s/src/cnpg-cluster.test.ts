import { App, Chart } from "cdk8s";
import { describe, expect, it } from "vitest";
import { exampleSpec, find, objects, specWith } from "../test/helpers.js";
import { installContext } from "./_names.js";
import { CnpgCluster } from "./cnpg-cluster.js";

describe("CnpgCluster", () => {
  it("renders seed 000's cluster: VectorChord image, preload, parameters, instances, storage, initdb", () => {
    const cluster = find(objects(exampleSpec("ponder")), "Cluster", "ponder-postgres");
    expect(cluster.metadata.namespace).toBe("immich");
    expect(cluster.spec.imageName).toBe("ghcr.io/tensorchord/cloudnative-vectorchord:16-0.3.0");
    expect(cluster.spec.instances).toBe(2);
    expect(cluster.spec.postgresql.shared_preload_libraries).toEqual(["vchord.so"]);
    expect(cluster.spec.postgresql.parameters).toEqual({ shared_buffers: "512MB", work_mem: "32MB", maintenance_work_mem: "128MB", max_connections: "100" });
    expect(cluster.spec.storage).toEqual({ size: "20Gi", storageClass: "longhorn-nvme" });
    expect(cluster.spec.bootstrap).toEqual({ initdb: { database: "immich", owner: "immich_admin" } });
  });

  it("follows the spec's versions, image override, instances and storage", () => {
    const spec = specWith("ponder", (s) => {
      s.database.postgresMajor = 17;
      s.database.vectorVersion = "0.4.3";
      s.targets.kubernetes.database.instances = 3;
      s.targets.kubernetes.database.storage = { size: "50Gi", storageClass: "fast" };
    });
    const cluster = find(objects(spec), "Cluster", "ponder-postgres");
    expect(cluster.spec.imageName).toBe("ghcr.io/tensorchord/cloudnative-vectorchord:17-0.4.3");
    expect(cluster.spec.instances).toBe(3);
    expect(cluster.spec.storage).toEqual({ size: "50Gi", storageClass: "fast" });
    const mirrored = specWith("ponder", (s) => (s.targets.kubernetes.database.image = "mirror.lan/cloudnative-vectorchord:16-0.3.0"));
    expect(find(objects(mirrored), "Cluster", "ponder-postgres").spec.imageName).toBe("mirror.lan/cloudnative-vectorchord:16-0.3.0");
  });

  it("superuser: true makes the owner a managed superuser role and pre-creates nothing", () => {
    const list = objects(exampleSpec("ponder"));
    expect(find(list, "Cluster", "ponder-postgres").spec.managed.roles).toEqual([{ name: "immich_admin", ensure: "present", login: true, superuser: true }]);
    expect(list.filter((o) => o.kind === "Database")).toEqual([]);
    // Seed 000 ran this in the postgres database, where Immich never looks.
    expect(JSON.stringify(list)).not.toMatch(/postInitSQL|CREATE EXTENSION/);
  });

  it("superuser: false keeps the owner plain and pre-creates Immich's extensions in the app database", () => {
    const list = objects(specWith("ponder", (s) => (s.database.superuser = false)));
    expect(find(list, "Cluster", "ponder-postgres").spec.managed).toBeUndefined();
    const db = find(list, "Database", "ponder-postgres-immich");
    expect(db.spec.cluster).toEqual({ name: "ponder-postgres" });
    expect(db.spec.name).toBe("immich");
    expect(db.spec.owner).toBe("immich_admin");
    const names = db.spec.extensions.map((e: { name: string }) => e.name);
    expect(names).toEqual(expect.arrayContaining(["vector", "vchord", "cube", "earthdistance", "pg_trgm", "unaccent", "uuid-ossp"]));
    // Dependencies first: vchord needs vector, earthdistance needs cube.
    expect(names.indexOf("vector")).toBeLessThan(names.indexOf("vchord"));
    expect(names.indexOf("cube")).toBeLessThan(names.indexOf("earthdistance"));
    expect(db.spec.extensions.find((e: { name: string }) => e.name === "vchord").version).toBe("0.3.0");
  });

  it("renders the optional ScheduledBackup and PodMonitor", () => {
    const list = objects(exampleSpec("family"));
    const backup = find(list, "ScheduledBackup", "rincewind-postgres-backup");
    expect(backup.spec).toMatchObject({ cluster: { name: "rincewind-postgres" }, schedule: "0 0 3 * * *", method: "volumeSnapshot" });
    expect(find(list, "Cluster", "rincewind-postgres").spec.backup).toEqual({ volumeSnapshot: { online: true } });
    const monitor = find(list, "PodMonitor", "rincewind-postgres");
    expect(monitor.apiVersion).toBe("monitoring.coreos.com/v1");
    expect(monitor.spec.selector.matchLabels["cnpg.io/cluster"]).toBe("rincewind-postgres");
    const none = objects(exampleSpec("ponder"));
    expect(none.filter((o) => o.kind === "ScheduledBackup" || o.kind === "PodMonitor")).toEqual([]);
  });

  it("a plugin backup names the plugin and its object store in the cluster, and the plugin in the schedule", () => {
    const backup = {
      schedule: "0 30 1 * * *",
      method: "plugin",
      pluginName: "barman-cloud.cloudnative-pg.io",
      pluginParameters: { barmanObjectName: "nas-minio" },
    };
    const list = objects(specWith("ponder", (s) => (s.targets.kubernetes.database.backup = backup)));
    expect(find(list, "ScheduledBackup", "ponder-postgres-backup").spec.pluginConfiguration).toEqual({ name: "barman-cloud.cloudnative-pg.io" });
    expect(find(list, "Cluster", "ponder-postgres").spec.plugins).toEqual([
      { name: "barman-cloud.cloudnative-pg.io", isWALArchiver: true, parameters: { barmanObjectName: "nas-minio" } },
    ]);
  });

  it("a plugin backup without the plugin's name, or barman-cloud without its object store, never validates", () => {
    const without = (backup: object) => () => specWith("ponder", (s) => (s.targets.kubernetes.database.backup = backup));
    expect(without({ schedule: "0 30 1 * * *", method: "plugin" })).toThrow(/^targets\.kubernetes\.database\.backup: method plugin needs pluginName/);
    expect(without({ schedule: "0 30 1 * * *", method: "plugin", pluginName: "barman-cloud.cloudnative-pg.io" })).toThrow(
      /pluginName: the Barman Cloud plugin needs its object store/,
    );
  });

  it("as a construct, refuses a plugin backup that names no plugin, before it renders anything", () => {
    const spec = exampleSpec("ponder");
    const target = spec.targets.kubernetes!;
    const chart = new Chart(new App(), "mine");
    const cluster = { ...target.database, backup: { schedule: "0 30 1 * * *", method: "plugin" as const } };
    expect(() => new CnpgCluster(chart, "database", { install: installContext(spec, target), database: spec.database, cluster })).toThrow(
      "targets.kubernetes.database.backup.pluginName: required when the method is plugin, e.g. barman-cloud.cloudnative-pg.io",
    );
    expect(chart.toJson()).toEqual([]);
  });
});
