import { type ImmichFamilySpec, type RenderedFile, secretKeys, yamlText } from "@family/immich-spec";
import { ApiObject, App } from "cdk8s";
import { renderKubernetesReadme } from "./deploy-readme.js";
import { KUBERNETES_FILES } from "./files.js";
import { ImmichChart } from "./immich-chart.js";
import { kustomization } from "./kustomization.js";
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
  const files: RenderedFile[] = [];
  const all: ReturnType<ApiObject["toJson"]>[] = [];
  for (const component of chart.node.children) {
    const objects = component.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
    if (objects.length === 0) continue;
    const json = objects.map((o) => o.toJson());
    all.push(...json);
    files.push({ path: `${component.node.id}.yaml`, content: json.map((o) => yamlText(o, "1.1")).join("---\n") });
  }
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
