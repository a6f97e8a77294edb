import type { ImmichFamilySpec, RenderedFile } from "@family/immich-spec";

// Placeholder until the Compose renderer lands (issue 5).
export function renderCompose(_spec: ImmichFamilySpec): RenderedFile[] {
  throw new Error("the Compose renderer is not implemented yet");
}
