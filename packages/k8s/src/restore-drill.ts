import { createHash } from "node:crypto";
import { posix } from "node:path";
import { CONTAINER_PATHS, DRILL_CHECK_ARGS, DRILL_DATABASE_URL_ENV, durationMs, type KubernetesTarget } from "@family/immich-spec";
import { ApiObject } from "cdk8s";
import { Construct } from "constructs";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { INetworkPolicyPeer } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer";
import type { INetworkPolicyPort } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import { recommendedLabels, selectorLabels } from "./_labels.js";
import { inScope, type InstallContext, PORTS } from "./_names.js";
import { envSecret, nonRootSecurity, POD_SECURITY } from "./_pod.js";
import { builtIn } from "./_typed.js";
import { assertPluginNamed, clusterStorage, databaseImage, type ImmichDatabase, vectorChordPostgresql } from "./cnpg-cluster.js";
import { CNPG_STATUS_PORT } from "./network-policies.js";
import type { LibraryMount } from "./nfs-library.js";

/** CloudNativePG refuses a Cluster whose name is longer than this. */
const CNPG_CLUSTER_NAME_MAX = 50;

/** The names of a restore drill's objects: its own, beside the live install's, so it never touches them. */
export interface DrillNames {
  /** The recovery Cluster: `<cluster>-drill`, shortened with a hash when CloudNativePG's 50 characters would not hold it. */
  readonly cluster: string;
  /** The Secret CloudNativePG generates for the recovery Cluster's app role (key `uri`). */
  readonly clusterAppSecret: string;
  /** The Job running the checks, and its pods' name prefix. */
  readonly job: string;
  /** The ConfigMap holding the spec the checks read. */
  readonly spec: string;
  /** The NetworkPolicy guarding the recovery Cluster's pods (`database`) or the Job's (`check`). */
  readonly networkPolicy: (part: "database" | "check") => string;
}

/** The names of the drill of `install`. */
export function drillNames(install: InstallContext): DrillNames {
  const live = install.names.cluster;
  const suffix = "-drill";
  const cluster =
    live.length + suffix.length <= CNPG_CLUSTER_NAME_MAX
      ? `${live}${suffix}`
      : `${live.slice(0, CNPG_CLUSTER_NAME_MAX - suffix.length - 7)}-${createHash("sha256").update(live).digest("hex").slice(0, 6)}${suffix}`;
  const base = `${install.instance}-restore-drill`;
  return {
    cluster,
    clusterAppSecret: `${cluster}-app`,
    job: base,
    spec: `${base}-spec`,
    networkPolicy: (part) => `${base}-${part}`,
  };
}

/** How old the newest backup may be: `ms`, and how often the schedule takes one (`day`, `week`, `month`). */
export interface BackupAge {
  /** The age in milliseconds past which the drill fails: the backups stopped. */
  readonly ms: number;
  /** How often the schedule takes a backup, in words. */
  readonly every: "day" | "week" | "month";
}

/** How old the newest backup may be for `schedule` (6-field cron): a day and a bit, a week or a month, by the fields it sets. */
export function maxBackupAge(schedule: string): BackupAge {
  const [, , , dayOfMonth = "*", , dayOfWeek = "*"] = schedule.trim().split(/\s+/);
  const any = (field: string) => field === "*" || field === "?";
  if (!any(dayOfMonth)) return { ms: durationMs("32d"), every: "month" };
  if (!any(dayOfWeek)) return { ms: durationMs("7d") + durationMs("6h"), every: "week" };
  return { ms: durationMs("30h"), every: "day" };
}

/** The VolumeSnapshots of one volume-snapshot `Backup` (`status.backupSnapshotStatus.elements`), by role. */
export interface DrillSnapshots {
  /** The `Backup` the snapshots belong to, named in an annotation of the recovery Cluster. */
  readonly backup: string;
  /** The snapshot of the data volume (`PG_DATA`). */
  readonly storage: string;
}

/** Props of `RestoreDrill`: the install's names and labels, the live database, the backup to restore, and the Job's image, spec and libraries. */
export interface RestoreDrillProps {
  /** Names and labels of the install: `installContext(spec, target)`. */
  readonly install: InstallContext;
  /** Immich's database (`database`): the recovered app database and owner, and the image versions. */
  readonly database: ImmichDatabase;
  /** The live cluster (`targets.kubernetes.database`): its image, parameters, storage and how it is backed up. */
  readonly cluster: KubernetesTarget["database"];
  /** Storage class when `cluster.storage` names none (`targets.kubernetes.storageClass`). @default the cluster's default class */
  readonly storageClass?: string | undefined;
  /** For `backup.method: volumeSnapshot`: the snapshots of the Backup to restore. The plugin restores the newest backup in its object store. */
  readonly snapshots?: DrillSnapshots | undefined;
  /** The namespace of the CloudNativePG operator, which must reach the instances (`targets.kubernetes.networkPolicies.operatorNamespace`). */
  readonly operatorNamespace: string;
  /** The image whose `immich-family` runs the checks. */
  readonly image: string;
  /** The spec as YAML, mounted from a ConfigMap where the worker finds its own. */
  readonly specYaml: string;
  /** The external libraries, mounted read-only at the same paths as in the server, for the file checks. */
  readonly libraries: readonly LibraryMount[];
  /**
   * Immich's media volume (uploads), mounted read-only where the server sees it. Its claim is
   * ReadWriteOnce, so the Job runs on the server's node, beside it. @default not mounted
   */
  readonly media?: { readonly claimName: string; readonly path: string } | undefined;
  /** Seconds the Job may run before Kubernetes stops it. @default 3600 */
  readonly activeDeadlineSeconds?: number | undefined;
}

/**
 * A restore drill: a recovery CloudNativePG `Cluster`, in its own name, bootstrapped from a backup of
 * the live one (its volume snapshots, or the newest backup in the backup plugin's object store),
 * fenced by NetworkPolicies so it has no network path to the live database; and a Job that runs
 * `immich-family backup check` against it, with the media and library volumes mounted read-only for
 * the file checks. Two children, applied in order: `cluster` (the policies first, then the Cluster)
 * and `check` (the spec and the Job, once the Cluster is ready).
 */
export class RestoreDrill extends Construct {
  /** The names of the drill's objects. */
  readonly names: DrillNames;

  constructor(scope: Construct, id: string, props: RestoreDrillProps) {
    super(scope, id);
    const install = inScope(this, props.install);
    const drill = drillNames(install);
    this.names = drill;
    const backup = backupToRestore(props);
    const clusterScope = new Construct(this, "cluster");
    const checkScope = new Construct(this, "check");
    const labels = recommendedLabels(install, "restore-drill", "immich-family-restore-drill");

    fenceOff(clusterScope, install, drill, labels, props.operatorNamespace);
    new ApiObject(clusterScope, "cluster", recoveryCluster(install, drill, backup, props));
    const specFile = posix.basename(CONTAINER_PATHS.workerSpecFile);
    builtIn<IConfigMap>(checkScope, "spec", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: drill.spec, namespace: install.names.namespace, labels },
      data: { [specFile]: props.specYaml },
    });
    builtIn<IJob>(checkScope, "job", checkJob(install, drill, labels, props));
  }
}

type Backup = NonNullable<KubernetesTarget["database"]["backup"]>;

/** The live cluster's backup the drill restores; refused when there is none, it names no plugin, or its snapshots are not given. */
function backupToRestore(props: RestoreDrillProps): Backup {
  const backup = props.cluster.backup;
  if (!backup) throw new Error("targets.kubernetes.database.backup: the spec declares no backups, so there is nothing to restore");
  assertPluginNamed(backup);
  if (backup.method === "volumeSnapshot" && !props.snapshots) throw new Error("a volume-snapshot drill needs the snapshots of the Backup to restore");
  return backup;
}

/**
 * The NetworkPolicies that fence the drill off. Its instances (and CloudNativePG's recovery job, which
 * carries the same label) reach only each other on PostgreSQL's and the instance manager's ports, so
 * never the live cluster's; every other port stays open for the API server, DNS and the backup plugin's
 * object store. The checks reach the restored database and DNS, nothing else; nothing reaches them.
 */
function fenceOff(scope: Construct, install: InstallContext, drill: DrillNames, labels: Record<string, string>, operatorNamespace: string): void {
  const checkPods = selectorLabels(install, "restore-drill", "immich-family-restore-drill");
  const instances: INetworkPolicyPeer = { podSelector: { matchLabels: { "cnpg.io/cluster": drill.cluster } } };
  const tcp = (...ports: number[]): INetworkPolicyPort[] => ports.map((port) => ({ protocol: "TCP", port }));
  const policy = (part: "database" | "check", podSelector: Record<string, string>, spec: Pick<NonNullable<INetworkPolicy["spec"]>, "ingress" | "egress">) =>
    builtIn<INetworkPolicy>(scope, `policy-${part}`, {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: drill.networkPolicy(part), namespace: install.names.namespace, labels },
      spec: { podSelector: { matchLabels: podSelector }, policyTypes: ["Ingress", "Egress"], ...spec },
    });
  policy(
    "database",
    { "cnpg.io/cluster": drill.cluster },
    {
      ingress: [
        { from: [{ podSelector: { matchLabels: checkPods } }], ports: tcp(PORTS.postgres) },
        {
          from: [instances, { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": operatorNamespace } } }],
          ports: tcp(PORTS.postgres, CNPG_STATUS_PORT),
        },
      ],
      egress: [{ to: [instances], ports: tcp(PORTS.postgres, CNPG_STATUS_PORT) }, { ports: allPortsBut([PORTS.postgres, CNPG_STATUS_PORT]) }],
    },
  );
  policy("check", checkPods, {
    ingress: [],
    egress: [
      { to: [instances], ports: tcp(PORTS.postgres) },
      {
        ports: [
          { protocol: "UDP", port: 53 },
          { protocol: "TCP", port: 53 },
        ],
      },
    ],
  });
}

/**
 * The recovery Cluster: one instance of the live cluster's image, parameters and storage, bootstrapped
 * from the Backup's snapshots or from the live cluster's backups in the plugin's object store.
 */
function recoveryCluster(install: InstallContext, drill: DrillNames, backup: Backup, props: RestoreDrillProps) {
  const { names } = install;
  const { database, cluster: live, snapshots } = props;
  const externalName = names.cluster;
  return {
    apiVersion: "postgresql.cnpg.io/v1",
    kind: "Cluster",
    metadata: {
      name: drill.cluster,
      namespace: names.namespace,
      // Not the check's labels: an operator that copies Cluster labels onto its pods (INHERITED_LABELS)
      // must not put the instances under the check's policy.
      labels: recommendedLabels(install, "restore-drill", "postgresql"),
      annotations: {
        "immich-family.dev/restore-drill-of": names.cluster,
        ...(snapshots ? { "immich-family.dev/restore-drill-backup": snapshots.backup } : {}),
      },
    },
    spec: {
      instances: 1,
      imageName: databaseImage(database, live),
      postgresql: vectorChordPostgresql(live),
      storage: clusterStorage(live, props.storageClass),
      bootstrap: {
        recovery: {
          database: database.name,
          owner: database.user,
          ...(backup.method === "volumeSnapshot" && snapshots
            ? { volumeSnapshots: { storage: { name: snapshots.storage, kind: "VolumeSnapshot", apiGroup: "snapshot.storage.k8s.io" } } }
            : { source: externalName }),
        },
      },
      // The live cluster's backups, read only: no `plugins` here, so the drill archives nothing.
      ...(backup.method === "plugin" && backup.pluginName
        ? {
            externalClusters: [
              {
                name: externalName,
                plugin: { name: backup.pluginName, parameters: recoveryParameters(backup.pluginName, backup.pluginParameters, names.cluster) },
              },
            ],
          }
        : {}),
    },
  };
}

/** The Job that runs `immich-family backup check` once, never retried: a failed check is a finding, not a flake. */
function checkJob(install: InstallContext, drill: DrillNames, labels: Record<string, string>, props: RestoreDrillProps): IJob & { metadata: { name: string } } {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: drill.job, namespace: install.names.namespace, labels },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: props.activeDeadlineSeconds ?? 3600,
      template: { metadata: { labels }, spec: checkPod(install, drill, props) },
    },
  };
}

/**
 * The check's pod: the tool's image as uid 1000 with the restored database's URL, the spec, a scratch
 * `/tmp`, and the media and libraries read-only; on the server's node when it mounts the (ReadWriteOnce) media.
 */
function checkPod(install: InstallContext, drill: DrillNames, props: RestoreDrillProps): IPodSpec {
  const { media, libraries } = props;
  return {
    restartPolicy: "Never",
    automountServiceAccountToken: false,
    securityContext: { ...POD_SECURITY },
    ...(media
      ? {
          affinity: {
            podAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                { labelSelector: { matchLabels: selectorLabels(install, "server", "immich-server") }, topologyKey: "kubernetes.io/hostname" },
              ],
            },
          },
        }
      : {}),
    containers: [
      {
        name: "check",
        image: props.image,
        command: ["immich-family", ...DRILL_CHECK_ARGS],
        env: [envSecret(DRILL_DATABASE_URL_ENV, drill.clusterAppSecret, "uri")],
        securityContext: nonRootSecurity(1000),
        volumeMounts: [
          { name: "spec", mountPath: posix.dirname(CONTAINER_PATHS.workerSpecFile), readOnly: true },
          { name: "tmp", mountPath: "/tmp" },
          ...(media ? [{ name: "media", mountPath: media.path, readOnly: true }] : []),
          ...libraries.map((l) => ({ name: l.volume, mountPath: l.path, readOnly: true })),
        ],
      },
    ],
    volumes: [
      { name: "spec", configMap: { name: drill.spec } },
      { name: "tmp", emptyDir: {} },
      ...(media ? [{ name: "media", persistentVolumeClaim: { claimName: media.claimName, readOnly: true } }] : []),
      ...libraries.map((l) => ({ name: l.volume, persistentVolumeClaim: { claimName: l.claimName, readOnly: true } })),
    ],
  };
}

/** The Barman Cloud plugin that the CloudNativePG project maintains. */
const BARMAN_CLOUD_PLUGIN = "barman-cloud.cloudnative-pg.io";

/**
 * The plugin's parameters for reading the live cluster's backups. Barman Cloud files them under a
 * server name, which defaults to the backed-up cluster's name: the recovery Cluster, named otherwise,
 * must say it. Other plugins get their parameters as the spec gives them.
 */
function recoveryParameters(plugin: string, parameters: Readonly<Record<string, string>> | undefined, liveCluster: string): Record<string, string> {
  return plugin === BARMAN_CLOUD_PLUGIN ? { serverName: liveCluster, ...parameters } : { ...parameters };
}

/** Every TCP port but `closed`, as NetworkPolicy port ranges, and every UDP port. */
function allPortsBut(closed: readonly number[]): INetworkPolicyPort[] {
  const out: INetworkPolicyPort[] = [];
  let from = 1;
  for (const port of [...closed].sort((a, b) => a - b)) {
    if (port > from) out.push({ protocol: "TCP", port: from, endPort: port - 1 });
    from = port + 1;
  }
  if (from <= 65535) out.push({ protocol: "TCP", port: from, endPort: 65535 });
  out.push({ protocol: "UDP", port: 1, endPort: 65535 });
  return out;
}
