import { type ImmichFamilySpec, libraryImportPaths, libraryName } from "@family/immich-spec";

/** A library as the spec wants it on the server. */
export interface DesiredLibrary {
  readonly handle: string;
  readonly name: string;
  readonly ownerHandle: string;
  readonly ownerEmail: string;
  readonly importPaths: readonly string[];
  readonly exclusionPatterns: readonly string[];
}

/** The spec's libraries (optionally one, by handle), in the spec's order. */
export function desiredLibraries(spec: ImmichFamilySpec, only?: string): DesiredLibrary[] {
  return Object.entries(spec.libraries)
    .filter(([handle]) => only === undefined || handle === only)
    .map(([handle, lib]) => ({
      handle,
      name: libraryName(handle, lib),
      ownerHandle: lib.owner,
      ownerEmail: spec.members[lib.owner]?.email ?? "",
      importPaths: libraryImportPaths(lib),
      exclusionPatterns: lib.exclusionPatterns,
    }));
}
