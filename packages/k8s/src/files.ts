import { HANDLE_PATTERN } from "@family/immich-spec";

/** The files of a Kubernetes folder beside the components' manifests. */
export const KUBERNETES_FILES = { kustomization: "kustomization.yaml", secretsExample: "secrets.env.example", readme: "README.md" } as const;

/**
 * The ids of `ImmichChart`'s components; each becomes `<id>.yaml`. Libraries add `library-<handle>.yaml`.
 * A test keeps this list equal to the chart's children.
 */
export const KUBERNETES_COMPONENTS = [
  "namespace",
  "database",
  "redis",
  "machine-learning",
  "upload",
  "server",
  "ingress",
  "worker",
  "network-policies",
] as const;

const NAMES: ReadonlySet<string> = new Set([...Object.values(KUBERNETES_FILES), ...KUBERNETES_COMPONENTS.map((id) => `${id}.yaml`)]);

/** Whether `path` (relative to the folder) is a file the Kubernetes renderer can write: the closed set render may own there. */
export function isKubernetesFile(path: string): boolean {
  if (NAMES.has(path)) return true;
  const library = /^library-(.+)\.yaml$/.exec(path);
  return library !== null && HANDLE_PATTERN.test(library[1] ?? "");
}

/** The files of a restore drill's folder (`renderRestoreDrill`): the Cluster and its policies, the check, and the kustomization of both. */
export const RESTORE_DRILL_FILES = { cluster: "cluster.yaml", check: "check.yaml", kustomization: "kustomization.yaml" } as const;

/** Whether `path` (relative to the folder) is a file `renderRestoreDrill` writes: the closed set the drill may own there. */
export function isRestoreDrillFile(path: string): boolean {
  return (Object.values(RESTORE_DRILL_FILES) as string[]).includes(path);
}
