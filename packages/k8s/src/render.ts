import { type ImmichFamilySpec, type RenderedFile, secretKeys, yamlText } from "@family/immich-spec";
import { ApiObject, App } from "cdk8s";
import { ImmichChart } from "./immich-chart.js";
import { kustomization } from "./kustomization.js";
import { secretsEnvExample } from "./secrets-example.js";

export interface RenderKubernetesOptions {
  /** Release of this tool, which tags the default worker/init image. @default this package's version */
  readonly toolVersion?: string;
}

/**
 * The kustomize-ready folder of the spec's Kubernetes target: one YAML file per component,
 * `kustomization.yaml` and `secrets.env.example`. Pure: nothing touches the disk.
 */
export function renderKubernetes(spec: ImmichFamilySpec, options: RenderKubernetesOptions = {}): RenderedFile[] {
  const target = spec.targets.kubernetes;
  if (!target) throw new Error("the spec declares no targets.kubernetes");
  const chart = new ImmichChart(new App(), "immich", { spec, ...(options.toolVersion ? { toolVersion: options.toolVersion } : {}) });
  const files: RenderedFile[] = [];
  for (const component of chart.node.children) {
    const objects = component.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
    if (objects.length === 0) continue;
    const content = objects.map((o) => yamlText(o.toJson(), "1.1")).join("---\n");
    files.push({ path: `${component.node.id}.yaml`, content });
  }
  const needsSecret = secretKeys(spec, "kubernetes").length > 0;
  files.push({ path: "kustomization.yaml", content: kustomization({ target, names: chart.names, resources: files.map((f) => f.path), needsSecret }) });
  files.push({ path: "secrets.env.example", content: secretsEnvExample(spec, target, chart.names.secret) });
  return files;
}
