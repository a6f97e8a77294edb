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
import { installContext, type Names } from "./_names.js";
import { TOOL_VERSION } from "./_version.js";
import { CnpgCluster } from "./cnpg-cluster.js";
import { ImmichServer } from "./immich-server.js";
import { Ingress } from "./ingress.js";
import { MachineLearning } from "./machine-learning.js";
import { Namespace } from "./namespace.js";
import { NetworkPolicies } from "./network-policies.js";
import { NfsLibrary } from "./nfs-library.js";
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
    const image = workerImage(spec, props.toolVersion ?? TOOL_VERSION);
    const keysReadBy = (reader: "config-init" | "worker") =>
      secretKeys(spec, "kubernetes")
        .filter((k) => k.readers.includes(reader))
        .map((k) => k.key);

    new Namespace(this, "namespace", { install });
    new CnpgCluster(this, "database", { install, database: spec.database, cluster: target.database, storageClass: target.storageClass });
    new Redis(this, "redis", { install, image: target.redisImage, password: spec.redis.password, resources: target.resources.redis });
    const ml = spec.machineLearning;
    if (ml.enabled)
      new MachineLearning(this, "machine-learning", { install, image: machineLearningImage(spec), acceleration: ml.acceleration, resources: ml.resources });
    new UploadVolume(this, "upload", { install, size: target.upload.size, storageClass: target.upload.storageClass ?? target.storageClass });
    const libraries = Object.keys(target.libraries)
      .sort()
      .map((handle) => {
        const source = target.libraries[handle];
        if (!source) throw new Error(`targets.kubernetes.libraries.${handle} is missing`);
        const library = Object.hasOwn(spec.libraries, handle) ? spec.libraries[handle] : undefined;
        if (!library) throw new Error(`targets.kubernetes.libraries.${handle}: no library ${handle} is declared under libraries`);
        return new NfsLibrary(this, `library-${handle}`, { install, handle, path: library.path, source }).mount;
      });
    new ImmichServer(this, "server", {
      install,
      image: immichServerImage(spec),
      configTemplate: renderImmichConfigTemplate(spec, "kubernetes"),
      configKeys: keysReadBy("config-init"),
      initImage: image,
      machineLearningUrl: ml.enabled ? machineLearningUrl(spec, "kubernetes") : undefined,
      libraries,
      settings: spec,
      resources: target.resources.server,
    });
    new Ingress(this, "ingress", {
      install,
      hosts: spec.hosts,
      ingress: target.ingress,
      memberEmails: Object.values(spec.members).map((m) => m.email),
    });
    // The worker's copy holds only the Kubernetes target: a change to another target must not restart it.
    if (spec.worker.enabled)
      new Worker(this, "worker", {
        install,
        image,
        specYaml: specYaml({ ...spec, targets: { kubernetes: target } }),
        secretKeys: keysReadBy("worker"),
        libraries,
        resources: target.resources.worker,
        placement: target.worker,
      });
    if (target.networkPolicies.enabled)
      new NetworkPolicies(this, "network-policies", {
        install,
        namespaces: target.networkPolicies,
        databaseMetrics: target.database.podMonitor,
        machineLearning: ml.enabled,
        worker: spec.worker.enabled,
      });
  }
}
