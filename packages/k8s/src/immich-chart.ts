import {
  type ImmichFamilySpec,
  immichServerImage,
  type KubernetesTarget,
  machineLearningImage,
  machineLearningUrl,
  renderImmichConfigTemplate,
  secretKeys,
  specYaml,
  workerImage,
} from "@family/immich-spec";
import { Chart } from "cdk8s";
import type { Construct } from "constructs";
import { type InstallContext, installContext, type Names } from "./_names.js";
import { TOOL_VERSION } from "./_version.js";
import { CnpgCluster } from "./cnpg-cluster.js";
import { ImmichServer } from "./immich-server.js";
import { Ingress } from "./ingress.js";
import { MachineLearning } from "./machine-learning.js";
import { Namespace } from "./namespace.js";
import { NetworkPolicies } from "./network-policies.js";
import { type LibraryMount, NfsLibrary, targetLibraries } from "./nfs-library.js";
import { Redis } from "./redis.js";
import { UploadVolume } from "./upload-volume.js";
import { Worker } from "./worker.js";

/** Props of `ImmichChart`, the whole install as one chart. */
export interface ImmichChartProps {
  /** The parsed spec; it must declare `targets.kubernetes`. */
  readonly spec: ImmichFamilySpec;
  /** Release of this tool, which tags the default worker/init image. @default this package's version */
  readonly toolVersion?: string;
}

/**
 * Every object of the install. Each direct child is one component and becomes one file, named by
 * the child's id.
 */
export class ImmichChart extends Chart {
  readonly names: Names;

  constructor(scope: Construct, id: string, props: ImmichChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { spec } = props;
    const target: KubernetesTarget | undefined = spec.targets.kubernetes;
    if (!target) throw new Error("the spec declares no targets.kubernetes");
    const install = installContext(spec, target);
    this.names = install.names;
    const input: ChartInput = { spec, target, install, image: workerImage(spec, props.toolVersion ?? TOOL_VERSION) };

    addBackingServices(this, input);
    const libraries = targetLibraries(spec, target).map((l) => new NfsLibrary(this, `library-${l.handle}`, { install, ...l }).mount);
    addServer(this, input, libraries);
    new Ingress(this, "ingress", {
      install,
      hosts: spec.hosts,
      ingress: target.ingress,
      memberEmails: Object.values(spec.members).map((m) => m.email),
    });
    if (spec.worker.enabled) addWorker(this, input, libraries);
    if (target.networkPolicies.enabled)
      new NetworkPolicies(this, "network-policies", {
        install,
        namespaces: target.networkPolicies,
        databaseMetrics: target.database.podMonitor,
        machineLearning: spec.machineLearning.enabled,
        worker: spec.worker.enabled,
      });
  }
}

/** What every component of the chart is made from: the spec, its Kubernetes target, the names and labels, and this tool's image. */
interface ChartInput {
  readonly spec: ImmichFamilySpec;
  readonly target: KubernetesTarget;
  readonly install: InstallContext;
  /** The image of the worker and the config init step. */
  readonly image: string;
}

/** The keys of the Secret that `reader` reads. */
function keysReadBy(spec: ImmichFamilySpec, reader: "config-init" | "worker"): string[] {
  return secretKeys(spec, "kubernetes")
    .filter((k) => k.readers.includes(reader))
    .map((k) => k.key);
}

/** What the server stands on, in apply order: the namespace, the database, Valkey, machine learning (when on) and the upload volume. */
function addBackingServices(chart: Chart, { spec, target, install }: ChartInput): void {
  new Namespace(chart, "namespace", { install });
  new CnpgCluster(chart, "database", { install, database: spec.database, cluster: target.database, storageClass: target.storageClass });
  new Redis(chart, "redis", { install, image: target.redisImage, password: spec.redis.password, resources: target.resources.redis });
  const ml = spec.machineLearning;
  if (ml.enabled)
    new MachineLearning(chart, "machine-learning", { install, image: machineLearningImage(spec), acceleration: ml.acceleration, resources: ml.resources });
  new UploadVolume(chart, "upload", { install, size: target.upload.size, storageClass: target.upload.storageClass ?? target.storageClass });
}

/** The Immich server: its image, the config template and the keys that fill it, machine learning, the libraries and its settings. */
function addServer(chart: Chart, { spec, target, install, image }: ChartInput, libraries: LibraryMount[]): void {
  const ml = spec.machineLearning;
  new ImmichServer(chart, "server", {
    install,
    image: immichServerImage(spec),
    configTemplate: renderImmichConfigTemplate(spec, "kubernetes"),
    configKeys: keysReadBy(spec, "config-init"),
    initImage: image,
    machineLearningUrl: ml.enabled ? machineLearningUrl(spec, "kubernetes") : undefined,
    libraries,
    settings: spec,
    resources: target.resources.server,
  });
}

/** The worker, with its copy of the spec: only the Kubernetes target, so a change to another target does not restart it. */
function addWorker(chart: Chart, { spec, target, install, image }: ChartInput, libraries: LibraryMount[]): void {
  new Worker(chart, "worker", {
    install,
    image,
    specYaml: specYaml({ ...spec, targets: { kubernetes: target } }),
    secretKeys: keysReadBy(spec, "worker"),
    libraries,
    resources: target.resources.worker,
    placement: target.worker,
  });
}
