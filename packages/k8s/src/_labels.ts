import type { InstallContext } from "./_names.js";

export type Component =
  | "namespace"
  | "database"
  | "redis"
  | "machine-learning"
  | "server"
  | "upload"
  | "library"
  | "ingress"
  | "worker"
  | "network-policy"
  | "restore-drill";

/** The labels that select a component's pods: stable across upgrades, so no version. */
export function selectorLabels(install: InstallContext, component: Component, appName: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": appName,
    "app.kubernetes.io/instance": install.instance,
    "app.kubernetes.io/component": component,
  };
}

/** The recommended `app.kubernetes.io/*` labels of a rendered object. */
export function recommendedLabels(install: InstallContext, component: Component, appName: string): Record<string, string> {
  return {
    ...selectorLabels(install, component, appName),
    "app.kubernetes.io/part-of": "immich",
    "app.kubernetes.io/managed-by": "immich-family",
    "app.kubernetes.io/version": install.version,
  };
}
