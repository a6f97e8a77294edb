import { CONTAINER_PATHS, type ImmichFamilySpec, type RenderedFile, secretKeys, specYaml, workerImage, yamlText } from "@family/immich-spec";
import { ApiObject, App, Chart } from "cdk8s";
import type { Construct } from "constructs";
import { installContext } from "./_names.js";
import { TOOL_VERSION } from "./_version.js";
import { renderKubernetesReadme } from "./deploy-readme.js";
import { KUBERNETES_FILES, RESTORE_DRILL_FILES } from "./files.js";
import { ImmichChart } from "./immich-chart.js";
import { kustomization } from "./kustomization.js";
import { libraryMount, targetLibraries } from "./nfs-library.js";
import { type DrillNames, type DrillSnapshots, RestoreDrill } from "./restore-drill.js";
import { secretsEnvExample } from "./secrets-example.js";

/** Options of `renderKubernetes`. */
export interface RenderKubernetesOptions {
  /** Release of this tool, which tags the default worker/init image. @default this package's version */
  readonly toolVersion?: string;
}

/**
 * The kustomize-ready folder of the spec's Kubernetes target: one YAML file per component,
 * `kustomization.yaml`, `secrets.env.example` and a README for the person applying it. Pure: nothing touches the disk.
 */
export function renderKubernetes(spec: ImmichFamilySpec, options: RenderKubernetesOptions = {}): RenderedFile[] {
  const target = spec.targets.kubernetes;
  if (!target) throw new Error("the spec declares no targets.kubernetes");
  const chart = new ImmichChart(new App(), "immich", { spec, ...(options.toolVersion ? { toolVersion: options.toolVersion } : {}) });
  const { files, objects: all } = componentFiles(chart);
  const needsSecret = secretKeys(spec, "kubernetes").length > 0;
  files.push({
    path: KUBERNETES_FILES.kustomization,
    content: kustomization({ target, names: chart.names, resources: files.map((f) => f.path), needsSecret }),
  });
  files.push({ path: KUBERNETES_FILES.secretsExample, content: secretsEnvExample(spec, target, chart.names.secret) });
  const readme = renderKubernetesReadme({ spec, target, names: chart.names, objects: all, files: files.map((f) => f.path) });
  files.push({ path: KUBERNETES_FILES.readme, content: readme });
  return files;
}

type ObjectJson = ReturnType<ApiObject["toJson"]>;

/** One YAML file per direct child of `scope` that holds objects, named by the child's id, and every object. */
function componentFiles(scope: Construct): { files: RenderedFile[]; objects: ObjectJson[] } {
  const files: RenderedFile[] = [];
  const objects: ObjectJson[] = [];
  for (const component of scope.node.children) {
    const json = component.node
      .findAll()
      .filter((c): c is ApiObject => c instanceof ApiObject)
      .map((o) => o.toJson());
    if (json.length === 0) continue;
    objects.push(...json);
    files.push({ path: `${component.node.id}.yaml`, content: json.map((o) => yamlText(o, "1.1")).join("---\n") });
  }
  return { files, objects };
}

/** Options of `renderRestoreDrill`. */
export interface RenderRestoreDrillOptions {
  /** For `backup.method: volumeSnapshot`: the snapshots of the Backup to restore (the newest, found by the caller in the cluster). */
  readonly snapshots?: DrillSnapshots | undefined;
  /** Release of this tool, which tags the image that runs the checks. @default this package's version */
  readonly toolVersion?: string | undefined;
  /** Seconds the check Job may run. @default 3600 */
  readonly activeDeadlineSeconds?: number | undefined;
}

/**
 * The restore drill's folder, rendered on demand: `cluster.yaml` (the NetworkPolicies, then the recovery
 * Cluster), `check.yaml` (the spec and the Job running `immich-family backup check`, applied once the
 * Cluster is ready) and a `kustomization.yaml` listing both. Pure: nothing touches the disk.
 */
export function renderRestoreDrill(spec: ImmichFamilySpec, options: RenderRestoreDrillOptions = {}): { files: RenderedFile[]; names: DrillNames } {
  const target = spec.targets.kubernetes;
  if (!target) throw new Error("the spec declares no targets.kubernetes");
  const install = installContext(spec, target);
  const chart = new Chart(new App(), "drill", { disableResourceNameHashes: true });
  const libraries = targetLibraries(spec, target).map((l) => libraryMount(install, l.handle, l.path, l.source));
  const drill = new RestoreDrill(chart, "drill", {
    install,
    database: spec.database,
    cluster: target.database,
    storageClass: target.storageClass,
    snapshots: options.snapshots,
    operatorNamespace: target.networkPolicies.operatorNamespace,
    image: workerImage(spec, options.toolVersion ?? TOOL_VERSION),
    specYaml: specYaml({ ...spec, targets: { kubernetes: target } }),
    libraries,
    media: { claimName: install.names.upload, path: spec.immich.mediaLocation ?? CONTAINER_PATHS.media },
    activeDeadlineSeconds: options.activeDeadlineSeconds,
  });
  const { files } = componentFiles(drill);
  files.push({
    path: RESTORE_DRILL_FILES.kustomization,
    content: kustomization({ target, names: install.names, resources: files.map((f) => f.path), needsSecret: false }),
  });
  return { files, names: drill.names };
}
