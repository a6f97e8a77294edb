import { type KubernetesTarget, yamlText } from "@family/immich-spec";
import type { Names } from "./_names.js";

/** What `kustomization` lists: the rendered files, and the Secret when a component reads it. */
export interface KustomizationProps {
  /** The Kubernetes target (where the Secret comes from). */
  readonly target: KubernetesTarget;
  /** Object names: `objectNames(spec, target)`. */
  readonly names: Names;
  /** The rendered resource files, in order. */
  readonly resources: readonly string[];
  /** Whether any component reads the Secret. */
  readonly needsSecret: boolean;
}

/**
 * `kustomization.yaml`: the rendered files, and the Secret generated from the user's env file with a
 * stable name (no hash suffix), unless the spec names an existing Secret.
 */
export function kustomization(props: KustomizationProps): string {
  const { target, names } = props;
  const generator =
    props.needsSecret && "envFile" in target.secrets
      ? { secretGenerator: [{ name: names.secret, type: "Opaque", envs: [target.secrets.envFile], options: { disableNameSuffixHash: true } }] }
      : {};
  return yamlText(
    { apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", namespace: names.namespace, resources: [...props.resources], ...generator },
    "1.1",
  );
}
