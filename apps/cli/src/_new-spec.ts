import { HANDLE_PATTERN, newestSupportedRelease } from "@family/immich-spec";

/** The Immich release a new spec pins (`init`, and `import` when no source names one): the newest the release table knows in a supported line. */
export const DEFAULT_IMMICH_VERSION = newestSupportedRelease();

/** A member handle from an email's local part: `Ann.Smith@x` → `ann-smith`. */
export function handleFromEmail(email: string): string {
  const local = (email.split("@")[0] ?? "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^[^a-z]+|-+$/g, "");
  return HANDLE_PATTERN.test(local) ? local : "admin";
}
