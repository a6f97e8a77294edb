import {
  ADOPTED_INSTALL,
  FIRST_START_MIGRATIONS,
  firstAdminMember,
  type ImmichFamilySpec,
  type KubernetesTarget,
  NFS_CSI_DRIVER,
  OPEN_ADMIN_SIGN_UP,
  type Paragraph,
  type ReadmeSection,
  readmeText,
  renderedBy,
  workerSignUp,
} from "@family/immich-spec";
import { type Names, PORTS } from "./_names.js";
import { type ClusterReferences, clusterReferences } from "./cluster-references.js";
import { drillNames, maxBackupAge } from "./restore-drill.js";

/** The fields of a rendered object the deploy README reads. */
export interface ReadmeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name?: string; readonly annotations?: Readonly<Record<string, string>> };
  // biome-ignore lint/suspicious/noExplicitAny: spec fields differ per kind; only a few are read
  readonly spec?: any;
}

/** What `renderKubernetesReadme` describes: the spec, its target, the names, and the rendered objects and files. */
export interface DeployReadmeProps {
  /** The parsed spec. */
  readonly spec: ImmichFamilySpec;
  /** Its Kubernetes target. */
  readonly target: KubernetesTarget;
  /** Object names: `objectNames(spec, target)`. */
  readonly names: Names;
  /** Every rendered object: the prerequisites are derived from what they use. */
  readonly objects: readonly ReadmeObject[];
  /** The rendered files, in apply order. */
  readonly files: readonly string[];
}

/** Versions the rendered objects were checked against (CRDs, API versions, kustomize). */
export const TESTED_VERSIONS = {
  cloudnativePg: "1.30.0",
  kubectl: "1.32 and 1.33 (kustomize 5)",
} as const;

const group = (apiVersion: string) => (apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "");

/** One thing the cluster must run: what, for which objects, and how to install it. */
type Prerequisite = { name: string; why: string; install: string };

/** What the prerequisites read of the rendered objects: the objects, their API groups, and what they name in the cluster. */
interface NeededBy {
  readonly objects: readonly ReadmeObject[];
  readonly groups: ReadonlySet<string>;
  readonly references: ClusterReferences;
}

/** Each operator or controller the objects may need, in the order the README lists them: none when the objects do not need it. */
const PREREQUISITES: readonly ((needed: NeededBy) => Prerequisite[])[] = [
  cloudnativePg,
  snapshotSupport,
  ({ references }) => references.cnpgPlugins.map(cnpgPlugin),
  ({ references }) => references.csiDrivers.map(csiDriver),
  ({ references }) => references.ingressClasses.map(ingressController),
  networkPolicyPlugin,
  certManager,
  prometheusOperator,
];

/** The operators and controllers a cluster needs for these objects, each with why. */
export function prerequisites(objects: readonly ReadmeObject[]): { name: string; why: string; install: string }[] {
  const needed: NeededBy = { objects, groups: new Set(objects.map((o) => group(o.apiVersion))), references: clusterReferences(objects) };
  return PREREQUISITES.flatMap((prerequisite) => prerequisite(needed));
}

function cloudnativePg({ objects, groups }: NeededBy): Prerequisite[] {
  if (!groups.has("postgresql.cnpg.io")) return [];
  const kinds = [...new Set(objects.filter((o) => group(o.apiVersion) === "postgresql.cnpg.io").map((o) => `\`${o.kind}\``))].join(", ");
  return [
    {
      name: `CloudNativePG operator ${TESTED_VERSIONS.cloudnativePg}`,
      why: `the database (${kinds}); the objects are checked against the ${TESTED_VERSIONS.cloudnativePg} CRDs`,
      install: "Helm chart `cnpg/cloudnative-pg` into `cnpg-system`, or the release manifest `cnpg-<version>.yaml`",
    },
  ];
}

function snapshotSupport({ objects }: NeededBy): Prerequisite[] {
  const clusters = objects.filter((o) => o.kind === "Cluster" && group(o.apiVersion) === "postgresql.cnpg.io");
  if (!clusters.some((o) => o.spec?.backup?.volumeSnapshot)) return [];
  return [
    {
      name: "CSI snapshot support (snapshot.storage.k8s.io/v1 CRDs and snapshot controller)",
      why: "the database backups are CSI VolumeSnapshots of the database volumes, with the default VolumeSnapshotClass",
      install: "the external-snapshotter CRDs and controller, and a storage driver that takes snapshots",
    },
  ];
}

function cnpgPlugin(plugin: string): Prerequisite {
  return {
    name: `the CloudNativePG plugin \`${plugin}\``,
    why: "the database backups (WAL archiving)",
    install: "the plugin's own release manifest, after the operator",
  };
}

function csiDriver(driver: string): Prerequisite {
  if (driver !== NFS_CSI_DRIVER) return { name: `the CSI driver \`${driver}\``, why: "the libraries' PersistentVolumes", install: "as its project documents" };
  return {
    name: `csi-driver-nfs v4 (driver \`${NFS_CSI_DRIVER}\`)`,
    why: "the NFS libraries, mounted read-only",
    install: "Helm chart `csi-driver-nfs/csi-driver-nfs` into `kube-system`",
  };
}

function ingressController(cls: string): Prerequisite {
  if (cls !== "pomerium") {
    return {
      name: `an ingress controller for the IngressClass \`${cls}\``,
      why: "the web and API hosts; the `ingress.pomerium.io/*` annotations only take effect with Pomerium",
      install: "as its project documents",
    };
  }
  return {
    name: "Pomerium Ingress Controller (IngressClass `pomerium`)",
    why: "the web UI behind single sign-on and the public `/api` paths for the mobile apps (`ingress.pomerium.io/*` annotations)",
    install: "the Pomerium Ingress Controller's Kustomize or Helm install, with its identity provider set up",
  };
}

function networkPolicyPlugin({ objects }: NeededBy): Prerequisite[] {
  if (!objects.some((o) => o.kind === "NetworkPolicy")) return [];
  return [
    {
      name: "a network plugin that enforces NetworkPolicy (e.g. Calico or Cilium)",
      why: "`network-policies.yaml` limits who reaches the database, Valkey, machine learning and the server; without such a plugin the policies are accepted and ignored",
      install: "your cluster's CNI; switch the policies off with `targets.kubernetes.networkPolicies.enabled: false` if it has none",
    },
  ];
}

function certManager({ references }: NeededBy): Prerequisite[] {
  const issuers = references.clusterIssuers;
  if (issuers.length === 0) return [];
  return [
    {
      name: `cert-manager v1 with the ClusterIssuer ${issuers.map((i) => `\`${i}\``).join(", ")}`,
      why: "the TLS certificate of the ingress hosts",
      install: "Helm chart `jetstack/cert-manager` with CRDs, then the ClusterIssuer",
    },
  ];
}

function prometheusOperator({ groups }: NeededBy): Prerequisite[] {
  if (!groups.has("monitoring.coreos.com")) return [];
  return [
    {
      name: "Prometheus operator (monitoring.coreos.com/v1 CRDs)",
      why: "the database's `PodMonitor` (`database.podMonitor: true`)",
      install: "kube-prometheus-stack or the prometheus-operator bundle",
    },
  ];
}

/** What each section of the README reads: the props, and the namespace every command names. */
interface ReadmeContext extends DeployReadmeProps {
  readonly ns: string;
}

/** The README's sections, in order. */
const SECTIONS: readonly ReadmeSection<ReadmeContext>[] = [title, beforeYouApply, secretsSection, applySection, checkSection, restoreDrillSection];

/** `README.md` of the rendered Kubernetes folder, for the person applying it. */
export function renderKubernetesReadme(props: DeployReadmeProps): string {
  return `${readmeText(SECTIONS, { ...props, ns: props.names.namespace }).trimEnd()}\n`;
}

/** The title, where the folder comes from, and what each file is. */
function title({ spec, files }: ReadmeContext): Paragraph[] {
  return [
    [`# ${spec.metadata.name}: Immich ${spec.immich.version} on Kubernetes`, `${renderedBy("kubernetes")}.`],
    ["| file | what |", "|---|---|", ...files.map((f) => `| \`${f}\` | ${describe(f)} |`)],
  ];
}

/** "Before you apply": the operators and controllers the objects need, and the storage classes. */
function beforeYouApply({ target, objects }: ReadmeContext): Paragraph[] {
  return [
    ["## Before you apply"],
    [
      `The cluster needs these, installed and running. The folder was built with kubectl ${TESTED_VERSIONS.kubectl}, and its objects checked against the versions named:`,
    ],
    ["| needed | for | install |", "|---|---|---|", ...prerequisites(objects).map((r) => `| ${r.name} | ${r.why} | ${r.install} |`)],
    [storageClasses(target)],
  ];
}

/** Which StorageClasses the upload and database volumes use, and what to check. */
function storageClasses(target: KubernetesTarget): string {
  const storage = [...new Set([target.upload.storageClass ?? target.storageClass, target.database.storage.storageClass ?? target.storageClass])];
  return storage.every((s) => s === undefined)
    ? "The upload and database volumes use the cluster's default StorageClass: check that one is marked default (`kubectl get storageclass`)."
    : `The upload and database volumes use the StorageClass${storage.length > 1 ? "es" : ""} ${storage.map((s) => (s ? `\`${s}\`` : "(the default)")).join(" and ")}: check that ${storage.length > 1 ? "they exist" : "it exists"} (\`kubectl get storageclass\`).`;
}

/** "Secrets": the env file kustomize turns into the Secret, or the existing Secret the spec names. */
function secretsSection({ target, names, ns }: ReadmeContext): Paragraph[] {
  const source: Paragraph =
    "envFile" in target.secrets
      ? secretsEnvFile(target.secrets.envFile, names)
      : [
          `The spec names the existing Secret \`${target.secrets.existingSecret}\` in the namespace \`${ns}\`: create it (sealed-secrets, SOPS, external-secrets, or \`kubectl create secret generic --from-env-file\`) with every key listed in \`secrets.env.example\` before you apply.`,
        ];
  return [["## Secrets"], source, [`The database password is not among them: CloudNativePG generates it in the Secret \`${names.clusterAppSecret}\`.`]];
}

/** How to write the secrets env file kustomize reads, and where to keep it. */
function secretsEnvFile(file: string, names: Names): Paragraph {
  return [
    `\`kubectl apply -k\` fails until \`${file}\` exists in this folder: kustomize turns it into the Secret \`${names.secret}\`. Write it from the spec (the same keys as \`secrets.env.example\`, each with what it is), then fill in the values:`,
    "",
    "```sh",
    `immich-family secrets immich-family.yaml --target kubernetes --output env > ${file}`,
    `$EDITOR ${file}   # fill in every value`,
    `chmod 600 ${file}`,
    "```",
    "",
    `Keep \`${file}\` out of git (or encrypt it, e.g. with SOPS). \`render\` replaces this folder: keep the file elsewhere and copy it in after each render, or switch the spec to \`targets.kubernetes.secrets.existingSecret\`.`,
  ];
}

/** "Apply": prerequisites, secrets, then diff and apply. */
function applySection(): Paragraph[] {
  return [
    ["## Apply"],
    [
      "1. Install the prerequisites above and wait until their pods are ready.",
      `2. Create the secrets (above).`,
      "3. Check what will change, then apply the folder:",
      "",
      "   ```sh",
      "   kubectl diff -k .",
      "   kubectl apply -k .",
      "   ```",
      "",
      "   kubectl creates the namespace first, then everything else at once: the server may restart a few times until the database is ready.",
    ],
  ];
}

/** "Check": the commands that wait for each component, then what to know about the first start, the first admin and the worker. */
function checkSection({ spec, names, ns }: ReadmeContext): Paragraph[] {
  const checks = [
    `kubectl -n ${ns} wait cluster.postgresql.cnpg.io/${names.cluster} --for=condition=Ready --timeout=10m`,
    `kubectl -n ${ns} rollout status deployment/${names.server} --timeout=10m`,
    ...(spec.machineLearning.enabled ? [`kubectl -n ${ns} rollout status deployment/${names.machineLearning}`] : []),
    ...(spec.worker.enabled ? [`kubectl -n ${ns} rollout status deployment/${names.worker}`] : []),
    `kubectl -n ${ns} get ingress`,
  ];
  return [
    ["## Check"],
    ["```sh", ...checks, "```"],
    [
      `- The server's init container \`config-fill\` fills the Immich config from the Secret and stops on any unresolved \`\${KEY}\`: \`kubectl -n ${ns} logs deployment/${names.server} -c config-fill\` names the missing key.`,
      `- ${FIRST_START_MIGRATIONS}.`,
      `- An install that already has its users (${ADOPTED_INSTALL}) has no first admin to make: everyone signs in as before.`,
      firstAdminLine(spec, names, ns),
      ...(spec.worker.enabled ? [workerKeyLine(spec, names, ns)] : []),
    ],
  ];
}

/** Which admin API key the worker uses on an adopted and on a fresh install, and where it logs. */
function workerKeyLine(spec: ImmichFamilySpec, names: Names, ns: string): string {
  const ownKey = firstAdminMember(spec)?.workerSignsUp
    ? ", or none: the worker then makes its own with the first admin's password, a new one for each new pod"
    : "";
  return `- The worker uses the admin API key \`${spec.worker.apiKey.key}\` of the Secret (see \`secrets.env.example\`): on an adopted install, an admin's key (Immich's Account Settings → API Keys); on a fresh one, the key \`immich-family bootstrap\` writes${ownKey}. It logs what it does as JSON lines: \`kubectl -n ${ns} logs deployment/${names.worker}\`.`;
}

/** "Is the backup any good?": the restore drill, when the spec takes backups. */
function restoreDrillSection({ spec, target, names, ns }: ReadmeContext): Paragraph[] {
  const backup = target.database.backup;
  if (!backup) return [];
  const drill = drillNames({ names, instance: spec.metadata.name, version: spec.immich.version });
  const limit = maxBackupAge(backup.schedule);
  const source =
    backup.method === "volumeSnapshot"
      ? `the data VolumeSnapshot of the newest completed \`Backup\` of \`${names.cluster}\` (or the one \`--backup NAME\` names)`
      : `the newest backup in the object store of the plugin \`${backup.pluginName}\`${backup.pluginName === "barman-cloud.cloudnative-pg.io" ? `, filed under the server name \`${backup.pluginParameters?.serverName ?? names.cluster}\`` : ""}`;
  return [
    [
      "## Is the backup any good? The restore drill",
      "An unrestored backup is no backup. This restores the newest one into a second, separate database and checks it, then removes everything again:",
    ],
    ["```sh", "immich-family backup verify immich-family.yaml --target kubernetes --apply", "```"],
    [
      `- **What it creates**, in \`${ns}\` and in names of its own: the CloudNativePG \`Cluster\` \`${drill.cluster}\` (one instance, the live cluster's image, parameters and storage), bootstrapped from ${source}. It archives no WAL and takes no backups. The storage needs room for one more copy of the database volume while the drill runs.`,
      `- **Fenced off from the live database**: the NetworkPolicies \`${drill.networkPolicy("database")}\` and \`${drill.networkPolicy("check")}\` let the drill's pods reach only each other on PostgreSQL's and the instance manager's ports (5432, 8000), so never \`${names.cluster}\`; the check reaches nothing but the restored database and DNS. A network plugin must enforce them (e.g. Calico or Cilium); without one they are accepted and ignored.`,
      `- **The checks**: the Job \`${drill.job}\` runs \`immich-family backup check\` with this tool's image, the spec (ConfigMap \`${drill.spec}\`) and \`DRILL_DATABASE_URL\` from the Secret \`${drill.clusterAppSecret}\` that CloudNativePG generates (key \`uri\`): Immich's schema, the members' and libraries' records, and a sample of the originals on disk. The media volume and the libraries are mounted read-only; since \`${names.upload}\` is ReadWriteOnce, the Job runs on the server's node, beside it, and waits while the server is not running.`,
      `- **Before anything is created** it fails when no Backup of the live cluster has completed, or when the newest is older than the schedule \`${backup.schedule}\` allows (the backups stopped): ${Math.round(limit.ms / 3_600_000)} hours, for a backup every ${limit.every}.${backup.method === "volumeSnapshot" ? " `--backup NAME` drills an older one anyway." : ""}`,
      "- **Skipped, and why**: the comparison of counts with the live database (the drill has no network path to it, by design).",
      "- **Cleaned up** at the end, also when a check fails, on `--timeout` (default 1h for the restore and the checks together) and on Ctrl-C. If kubectl cannot remove them, the command prints the `kubectl delete -k <folder>` that does.",
    ],
    [
      `The drill is rendered on demand, not into this folder: a volume-snapshot drill must name the \`Backup\` it restores, which only exists when you drill, and \`kubectl apply -k .\` here must never start a second database. Without \`--apply\` the command only renders the drill (\`--out drill\`) and prints the kubectl commands to run it by hand: \`cluster.yaml\` first, \`check.yaml\` once \`${drill.cluster}\` is ready, \`kubectl delete -k drill\` at the end. Run it after each upgrade and every few weeks; exit 0 means every check passed.`,
    ],
  ];
}

function describe(file: string): string {
  if (file === "kustomization.yaml") return "the kustomize entry: the files above and the generated Secret";
  if (file === "secrets.env.example") return "every secret key, what it is and who reads it; no values";
  if (file === "namespace.yaml") return "the Namespace";
  if (file === "database.yaml") return "the CloudNativePG database cluster";
  if (file === "redis.yaml") return "Valkey, Immich's job queue";
  if (file === "machine-learning.yaml") return "Immich machine learning";
  if (file === "upload.yaml") return "the volume of uploads, thumbnails and encoded video";
  if (file.startsWith("library-")) return `the external library \`${file.slice("library-".length, -".yaml".length)}\`, mounted read-only`;
  if (file === "server.yaml") return "the Immich server and its config template";
  if (file === "ingress.yaml") return "the web and API hosts";
  if (file === "worker.yaml") return "the worker: library scans and folder albums";
  if (file === "network-policies.yaml") return "who may reach the database, Valkey, machine learning and the server";
  return "";
}

/** A fresh install's first admin: the worker or `immich-family bootstrap` through a port-forward, or the wizard through one. */
function firstAdminLine(spec: ImmichFamilySpec, names: Names, ns: string): string {
  const admin = firstAdminMember(spec);
  const forward = `\`kubectl -n ${ns} port-forward service/${names.server} ${PORTS.server}:${PORTS.server}\``;
  const bootstrap = admin
    ? admin.workerSignsUp
      ? ` The worker does it when it starts: ${workerSignUp(admin, spec.worker.apiKey.key)}; \`IMMICH_URL=http://127.0.0.1:${PORTS.server} immich-family bootstrap\` through ${forward} does the same and writes the key into the secrets env file. Or by hand:`
      : ` \`immich-family bootstrap\` does it: give \`members.${admin.handle}.password\`, then run \`IMMICH_URL=http://127.0.0.1:${PORTS.server} immich-family bootstrap\` through ${forward}; it signs up \`${admin.handle}\` (${admin.email}) and writes the worker's key into the secrets env file. Or by hand:`
    : "";
  return `- A fresh install (no users yet): until it has an admin, ${OPEN_ADMIN_SIGN_UP}. The Ingress \`${names.adminSignUpIngress}\` refuses that path in every spelling on every host, so no one who reaches the hosts can claim the fresh install, and you cannot either through them.${bootstrap || " Make"}${bootstrap ? " make" : ""} the first admin through ${forward}, open http://127.0.0.1:${PORTS.server}, finish Immich's onboarding wizard with the email of the spec's first admin member${spec.auth.oauth ? " (so the OAuth login links to it)" : ""}, stop the port-forward, then open https://${spec.hosts.web}.`;
}
