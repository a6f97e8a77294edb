import type { ImmichFamilySpec, RenderedFile } from "@family/immich-spec";

// Placeholder until the Kubernetes renderer lands (issue 4).
export function renderKubernetes(_spec: ImmichFamilySpec): RenderedFile[] {
  throw new Error("the Kubernetes renderer is not implemented yet");
}
