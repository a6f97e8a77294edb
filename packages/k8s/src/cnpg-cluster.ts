import type { ImmichFamilySpec, KubernetesTarget } from "@family/immich-spec";
import { ApiObject } from "cdk8s";
import { Construct } from "constructs";
import { recommendedLabels } from "./_labels.js";
import { inScope, type InstallContext } from "./_names.js";
import { optional } from "./_optional.js";

/** Extensions Immich's migrations need, pre-created when the app role is not a superuser. */
export const IMMICH_EXTENSIONS = ["vector", "vchord", "cube", "earthdistance", "pg_trgm", "unaccent", "uuid-ossp"] as const;

/** What Immich needs of its database (`database`): name, owner, the SUPERUSER choice and the versions. */
export type ImmichDatabase = Pick<ImmichFamilySpec["database"], "name" | "user" | "superuser" | "postgresMajor" | "vectorVersion">;

/** Props of `CnpgCluster`: the install's names and labels, Immich's database and the CloudNativePG settings. */
export interface CnpgClusterProps {
  /** Names and labels of the install: `installContext(spec, target)`. */
  readonly install: InstallContext;
  /** Immich's database (`database`): name, owner, superuser, Postgres major and VectorChord version. */
  readonly database: ImmichDatabase;
  /** The cluster (`targets.kubernetes.database`): instances, image, parameters, storage, backup, PodMonitor. */
  readonly cluster: KubernetesTarget["database"];
  /** Storage class when `cluster.storage` names none (`targets.kubernetes.storageClass`). @default the cluster's default class */
  readonly storageClass?: string | undefined;
}

/** The database image: the cluster's own, else PostgreSQL with VectorChord, tagged `<pgMajor>-<vchord>`. */
export function databaseImage(database: Pick<ImmichDatabase, "postgresMajor" | "vectorVersion">, cluster: Pick<KubernetesTarget["database"], "image">): string {
  return cluster.image ?? `ghcr.io/tensorchord/cloudnative-vectorchord:${database.postgresMajor}-${database.vectorVersion}`;
}

/**
 * The CloudNativePG `Cluster` with VectorChord preloaded, and the SUPERUSER choice rendered honestly:
 * a managed superuser role, or a `Database` that pre-creates Immich's extensions in the app database.
 * Optionally a `ScheduledBackup` and a `PodMonitor`.
 */
export class CnpgCluster extends Construct {
  constructor(scope: Construct, id: string, props: CnpgClusterProps) {
    super(scope, id);
    const install = inScope(this, props.install);
    const { database, cluster: db } = props;
    const { names } = install;
    const labels = recommendedLabels(install, "database", "postgresql");
    const metadata = (name: string) => ({ name, namespace: names.namespace, labels });
    const owner = database.user;
    if (db.backup?.method === "plugin" && !db.backup.pluginName) {
      throw new Error("targets.kubernetes.database.backup.pluginName: required when the method is plugin, e.g. barman-cloud.cloudnative-pg.io");
    }

    new ApiObject(this, "cluster", {
      apiVersion: "postgresql.cnpg.io/v1",
      kind: "Cluster",
      metadata: metadata(names.cluster),
      spec: {
        instances: db.instances,
        imageName: databaseImage(database, db),
        postgresql: {
          shared_preload_libraries: ["vchord.so"],
          parameters: { ...db.parameters },
        },
        storage: {
          size: db.storage.size,
          ...optional("storageClass", db.storage.storageClass ?? props.storageClass),
        },
        bootstrap: { initdb: { database: database.name, owner } },
        ...(database.superuser ? { managed: { roles: [{ name: owner, ensure: "present", login: true, superuser: true }] } } : {}),
        ...(db.backup?.method === "volumeSnapshot" ? { backup: { volumeSnapshot: { online: true } } } : {}),
        ...(db.backup?.method === "plugin"
          ? { plugins: [{ name: db.backup.pluginName, isWALArchiver: true, ...optional("parameters", db.backup.pluginParameters) }] }
          : {}),
      },
    });

    if (!database.superuser) {
      new ApiObject(this, "database", {
        apiVersion: "postgresql.cnpg.io/v1",
        kind: "Database",
        metadata: metadata(`${names.cluster}-${database.name.replaceAll("_", "-")}`),
        spec: {
          cluster: { name: names.cluster },
          name: database.name,
          owner,
          ensure: "present",
          databaseReclaimPolicy: "retain",
          extensions: IMMICH_EXTENSIONS.map((name) => ({
            name,
            ensure: "present",
            ...(name === "vchord" ? { version: database.vectorVersion } : {}),
          })),
        },
      });
    }

    if (db.backup) {
      new ApiObject(this, "scheduled-backup", {
        apiVersion: "postgresql.cnpg.io/v1",
        kind: "ScheduledBackup",
        metadata: metadata(`${names.cluster}-backup`),
        spec: {
          cluster: { name: names.cluster },
          schedule: db.backup.schedule,
          method: db.backup.method,
          backupOwnerReference: "self",
          ...(db.backup.method === "plugin" ? { pluginConfiguration: { name: db.backup.pluginName } } : {}),
        },
      });
    }

    if (db.podMonitor) {
      new ApiObject(this, "pod-monitor", {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PodMonitor",
        metadata: metadata(names.cluster),
        spec: {
          selector: { matchLabels: { "cnpg.io/cluster": names.cluster, "cnpg.io/podRole": "instance" } },
          podMetricsEndpoints: [{ port: "metrics" }],
        },
      });
    }
  }
}
