import { type ImmichFamilySpec, type KubernetesTarget, machineLearningUrl, renderImmichConfigTemplate, specYaml, workerImage } from "@family/immich-spec";
import { Chart } from "cdk8s";
import type { Construct } from "constructs";
import { type Names, names as namesOf } from "./_names.js";
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
    const names = namesOf(spec, target);
    this.names = names;
    const image = workerImage(spec, props.toolVersion ?? TOOL_VERSION);

    new Namespace(this, "namespace", { spec, name: names.namespace });
    new CnpgCluster(this, "database", { spec, target, names });
    new Redis(this, "redis", { spec, target, names });
    const mlUrl = spec.machineLearning.enabled ? machineLearningUrl(spec, "kubernetes") : undefined;
    if (spec.machineLearning.enabled) new MachineLearning(this, "machine-learning", { spec, names });
    new UploadVolume(this, "upload", { spec, target, names });
    const libraries = Object.keys(target.libraries)
      .sort()
      .map((handle) => {
        const source = target.libraries[handle];
        if (!source) throw new Error(`targets.kubernetes.libraries.${handle} is missing`);
        return new NfsLibrary(this, `library-${handle}`, { spec, names, handle, source }).mount;
      });
    new ImmichServer(this, "server", {
      spec,
      target,
      names,
      configTemplate: renderImmichConfigTemplate(spec, "kubernetes"),
      initImage: image,
      machineLearningUrl: mlUrl,
      libraries,
    });
    new Ingress(this, "ingress", { spec, target, names });
    // The worker's copy holds only the Kubernetes target: a change to another target must not restart it.
    if (spec.worker.enabled)
      new Worker(this, "worker", { spec, target, names, image, specYaml: specYaml({ ...spec, targets: { kubernetes: target } }), libraries });
    if (target.networkPolicies.enabled) new NetworkPolicies(this, "network-policies", { spec, target, names });
  }
}
