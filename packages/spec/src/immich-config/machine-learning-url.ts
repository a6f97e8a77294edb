import type { ImmichFamilySpec } from "../schema/spec.js";
import { PORTS } from "../facts.js";
import type { Target } from "../secrets.js";

/** Port of the machine-learning service. */
export const MACHINE_LEARNING_PORT = PORTS.machineLearning;

/** Name of the Compose service running machine learning. */
export const COMPOSE_MACHINE_LEARNING_SERVICE = "immich-machine-learning";

/** Name of the Kubernetes Service in front of machine learning. */
export function kubernetesMachineLearningService(spec: Pick<ImmichFamilySpec, "metadata">): string {
  return `${spec.metadata.name}-machine-learning`;
}

/**
 * URL of the machine-learning service as the server reaches it on `target`: the Service's cluster DNS
 * name on Kubernetes, the service name on Compose. Also the value of IMMICH_MACHINE_LEARNING_URL.
 */
export function machineLearningUrl(spec: Pick<ImmichFamilySpec, "metadata" | "targets">, target: Target): string {
  if (target === "compose") return `http://${spec.targets.compose?.services?.machineLearning ?? COMPOSE_MACHINE_LEARNING_SERVICE}:${MACHINE_LEARNING_PORT}`;
  const namespace = spec.targets.kubernetes?.namespace ?? "immich";
  return `http://${kubernetesMachineLearningService(spec)}.${namespace}.svc:${MACHINE_LEARNING_PORT}`;
}
