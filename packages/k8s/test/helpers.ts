import { type ImmichFamilySpec, parseSpec } from "@family/immich-spec";
import { specBuilder } from "@family/test-kit";
import { parseAllDocuments } from "yaml";
import { renderKubernetes } from "../src/render.js";

export const schemasDir = new URL("../../../tooling/schemas/cnpg/", import.meta.url);

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, unknown>; annotations?: Record<string, unknown> };
  // biome-ignore lint/suspicious/noExplicitAny: rendered Kubernetes objects are walked freely in tests
  [k: string]: any;
};

export { exampleInput, exampleNames, examplesDir } from "@family/test-kit";
export const { exampleSpec, specFromInput, specWith } = specBuilder(parseSpec);

/** Every object of the rendered folder, read back from the YAML files (not from the constructs). */
export function renderedObjects(spec: ImmichFamilySpec): { file: string; object: K8sObject }[] {
  return renderKubernetes(spec)
    .filter((f) => f.path.endsWith(".yaml") && f.path !== "kustomization.yaml")
    .flatMap((f) =>
      parseAllDocuments(f.content, { version: "1.1" }).map((d) => {
        if (d.errors.length > 0) throw new Error(`${f.path}: ${d.errors[0]?.message}`);
        return { file: f.path, object: d.toJS() as K8sObject };
      }),
    );
}

export function objects(spec: ImmichFamilySpec): K8sObject[] {
  return renderedObjects(spec).map((o) => o.object);
}

export function find(list: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = list.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}; have ${list.map((o) => `${o.kind}/${o.metadata.name}`).join(", ")}`);
  return found;
}

/** A container of a Deployment, by name. */
export function container(deployment: K8sObject, name: string, init = false) {
  const list = init ? deployment.spec.template.spec.initContainers : deployment.spec.template.spec.containers;
  const found = list?.find((c: { name: string }) => c.name === name);
  if (!found) throw new Error(`no container ${name} in ${deployment.metadata.name}`);
  return found;
}

/** A container's env as name → value or `secret:<name>/<key>`. */
export function envOf(c: { env?: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[] }) {
  return Object.fromEntries(
    (c.env ?? []).map((e) => [e.name, e.valueFrom ? `secret:${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}` : e.value]),
  );
}
