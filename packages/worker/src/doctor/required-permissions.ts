import type { ImmichFamilySpec } from "@family/immich-spec";

/** Why a permission is needed, for the doctor's message. */
export interface PermissionNeed {
  readonly permission: string;
  readonly for: string;
}

/** Permissions the worker's admin key needs for library work and `scan --wait`. */
export function workerKeyPermissions(spec: ImmichFamilySpec, options: { readonly prune?: boolean } = {}): PermissionNeed[] {
  if (Object.keys(spec.libraries).length === 0) return [];
  const needs: PermissionNeed[] = [
    { permission: "user.read", for: "resolving library owners by email" },
    { permission: "library.read", for: "reading and validating libraries" },
    { permission: "library.create", for: "creating declared libraries" },
    { permission: "library.update", for: "updating libraries and requesting scans" },
    { permission: "job.read", for: "following scans (scan --wait, albums after scans)" },
  ];
  if (options.prune) needs.push({ permission: "library.delete", for: "scan --prune" });
  return needs;
}

/** Permissions the worker's admin key needs to keep the family's accounts as `members` declares them. */
export function memberKeyPermissions(_spec: ImmichFamilySpec): PermissionNeed[] {
  return [
    { permission: "adminUser.read", for: "reading the family's accounts and preferences" },
    { permission: "adminUser.create", for: "creating members' accounts" },
    { permission: "adminUser.update", for: "keeping members' name, admin flag, quota, storage label and preferences" },
    { permission: "adminUser.delete", for: "restoring deleted members' accounts (and members sync --prune)" },
  ];
}

/** Permissions the key of an album owner needs for the folder albums of `handles`. */
export function albumKeyPermissions(spec: ImmichFamilySpec, handles: readonly string[]): PermissionNeed[] {
  const libs = handles.map((h) => spec.libraries[h]).filter((l) => l?.albums);
  if (libs.length === 0) return [];
  const needs: PermissionNeed[] = [
    { permission: "asset.read", for: "listing the library's assets" },
    { permission: "asset.statistics", for: "counting the library's assets" },
    { permission: "album.read", for: "reading albums" },
    { permission: "album.create", for: "creating folder albums" },
    { permission: "album.update", for: "updating folder albums" },
    { permission: "albumAsset.create", for: "adding assets to albums" },
  ];
  if (libs.some((l) => l?.albums?.mode === "mirror")) needs.push({ permission: "albumAsset.delete", for: "mirror mode removals" });
  if (libs.some((l) => (l?.albums?.shareWith.length ?? 0) > 0 || l?.albums?.albumprops)) {
    needs.push(
      { permission: "user.read", for: "resolving share targets" },
      { permission: "albumUser.create", for: "sharing albums" },
      { permission: "albumUser.update", for: "changing share roles" },
      { permission: "albumUser.delete", for: "removing shares" },
    );
  }
  return needs;
}

/** Whether a key's permission list grants `permission` (`all` grants everything). */
export function grants(permissions: readonly string[], permission: string): boolean {
  return permissions.includes("all") || permissions.includes(permission);
}
