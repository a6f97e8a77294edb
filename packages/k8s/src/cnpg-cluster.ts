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

const CNPG_API = "postgresql.cnpg.io/v1";

type ClusterSettings = KubernetesTarget["database"];
type Backup = NonNullable<ClusterSettings["backup"]>;
type Metadata = (name: string) => { name: string; namespace: string; labels: Record<string, string> };

/** Refuses a plugin backup that names no plugin: CloudNativePG would archive nowhere. */
export function assertPluginNamed(backup: Backup | undefined): void {
  if (backup?.method === "plugin" && !backup.pluginName) {
    throw new Error("targets.kubernetes.database.backup.pluginName: required when the method is plugin, e.g. barman-cloud.cloudnative-pg.io");
  }
}

/** `spec.postgresql` of a Cluster: VectorChord preloaded, and the spec's parameters. */
export function vectorChordPostgresql(cluster: Pick<ClusterSettings, "parameters">) {
  return { shared_preload_libraries: ["vchord.so"], parameters: { ...cluster.parameters } };
}

/** `spec.storage` of a Cluster: its size, and its own storage class or else the target's. */
export function clusterStorage(cluster: Pick<ClusterSettings, "storage">, storageClass: string | undefined) {
  return { size: cluster.storage.size, ...optional("storageClass", cluster.storage.storageClass ?? storageClass) };
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
    const { database, cluster } = props;
    const { names } = install;
    assertPluginNamed(cluster.backup);
    const labels = recommendedLabels(install, "database", "postgresql");
    const metadata: Metadata = (name) => ({ name, namespace: names.namespace, labels });

    new ApiObject(this, "cluster", { apiVersion: CNPG_API, kind: "Cluster", metadata: metadata(names.cluster), spec: clusterSpec(props) });
    if (!database.superuser) new ApiObject(this, "database", extensionsDatabase(database, names.cluster, metadata));
    if (cluster.backup) new ApiObject(this, "scheduled-backup", scheduledBackup(cluster.backup, names.cluster, metadata));
    if (cluster.podMonitor) new ApiObject(this, "pod-monitor", podMonitor(names.cluster, metadata));
  }
}

/** The live Cluster's spec: instances and image, Postgres, storage, a fresh database, the owner role, and how it is backed up. */
function clusterSpec({ database, cluster, storageClass }: CnpgClusterProps) {
  return {
    instances: cluster.instances,
    imageName: databaseImage(database, cluster),
    postgresql: vectorChordPostgresql(cluster),
    storage: clusterStorage(cluster, storageClass),
    bootstrap: { initdb: { database: database.name, owner: database.user } },
    ...(database.superuser ? { managed: { roles: [{ name: database.user, ensure: "present", login: true, superuser: true }] } } : {}),
    ...backupTarget(cluster.backup),
  };
}

/** Where the Cluster's backups go: online volume snapshots, or the plugin as the WAL archiver. */
function backupTarget(backup: Backup | undefined) {
  if (backup?.method === "volumeSnapshot") return { backup: { volumeSnapshot: { online: true } } };
  if (backup?.method === "plugin") {
    return { plugins: [{ name: backup.pluginName, isWALArchiver: true, ...optional("parameters", backup.pluginParameters) }] };
  }
  return {};
}

/** Without SUPERUSER: a `Database` that pre-creates Immich's extensions in the app database (VectorChord at the spec's version). */
function extensionsDatabase(database: ImmichDatabase, cluster: string, metadata: Metadata) {
  return {
    apiVersion: CNPG_API,
    kind: "Database",
    metadata: metadata(`${cluster}-${database.name.replaceAll("_", "-")}`),
    spec: {
      cluster: { name: cluster },
      name: database.name,
      owner: database.user,
      ensure: "present",
      databaseReclaimPolicy: "retain",
      extensions: IMMICH_EXTENSIONS.map((name) => ({
        name,
        ensure: "present",
        ...(name === "vchord" ? { version: database.vectorVersion } : {}),
      })),
    },
  };
}

/** The `ScheduledBackup` of the spec's schedule and method, owned by itself. */
function scheduledBackup(backup: Backup, cluster: string, metadata: Metadata) {
  return {
    apiVersion: CNPG_API,
    kind: "ScheduledBackup",
    metadata: metadata(`${cluster}-backup`),
    spec: {
      cluster: { name: cluster },
      schedule: backup.schedule,
      method: backup.method,
      backupOwnerReference: "self",
      ...(backup.method === "plugin" ? { pluginConfiguration: { name: backup.pluginName } } : {}),
    },
  };
}

/** The `PodMonitor` that scrapes the instances' metrics port. */
function podMonitor(cluster: string, metadata: Metadata) {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PodMonitor",
    metadata: metadata(cluster),
    spec: {
      selector: { matchLabels: { "cnpg.io/cluster": cluster, "cnpg.io/podRole": "instance" } },
      podMetricsEndpoints: [{ port: "metrics" }],
    },
  };
}
