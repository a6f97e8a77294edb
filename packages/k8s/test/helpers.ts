import { readdirSync, readFileSync } from "node:fs";
import { type ImmichFamilySpec, parseSpec } from "@family/immich-spec";
import { parse, parseAllDocuments } from "yaml";
import { renderKubernetes } from "../src/render.js";

export const examplesDir = new URL("../../../examples/", import.meta.url);
export const schemasDir = new URL("../../../tooling/schemas/cnpg/", import.meta.url);

// biome-ignore lint/suspicious/noExplicitAny: rendered Kubernetes objects are walked freely in tests
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, unknown>; annotations?: Record<string, unknown> }; [k: string]: any };

export function exampleNames(): string[] {
  return readdirSync(examplesDir)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.replace(/\.yaml$/, ""));
}

export function exampleInput(name: string): Record<string, unknown> {
  return parse(readFileSync(new URL(`${name}.yaml`, examplesDir), "utf8")) as Record<string, unknown>;
}

export function specFromInput(input: unknown): ImmichFamilySpec {
  const result = parseSpec(JSON.stringify(input));
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join("\n"));
  return result.value;
}

export function exampleSpec(name: string): ImmichFamilySpec {
  return specFromInput(exampleInput(name));
}

/** An example's input changed by `edit`, parsed: the way a user changes one value in the spec. */
// biome-ignore lint/suspicious/noExplicitAny: spec inputs are edited as plain YAML data
export function specWith(name: string, edit: (input: any) => void): ImmichFamilySpec {
  const input = structuredClone(exampleInput(name));
  edit(input);
  return specFromInput(input);
}

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
