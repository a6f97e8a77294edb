import type { ImmichFamilySpec } from "@family/immich-spec";

export type Component = "namespace" | "database" | "redis" | "machine-learning" | "server" | "upload" | "library" | "ingress" | "worker" | "network-policy";

/** The labels that select a component's pods: stable across upgrades, so no version. */
export function selectorLabels(spec: ImmichFamilySpec, component: Component, appName: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": appName,
    "app.kubernetes.io/instance": spec.metadata.name,
    "app.kubernetes.io/component": component,
  };
}

/** The recommended `app.kubernetes.io/*` labels of a rendered object. */
export function recommendedLabels(spec: ImmichFamilySpec, component: Component, appName: string): Record<string, string> {
  return {
    ...selectorLabels(spec, component, appName),
    "app.kubernetes.io/part-of": "immich",
    "app.kubernetes.io/managed-by": "immich-family",
    "app.kubernetes.io/version": spec.immich.version,
  };
}
