import type { ImmichFamilySpec } from "@family/immich-spec";
import { type Credentials, resolveCredentials } from "@family/immich-worker";

/**
 * Credentials from IMMICH_URL and the spec's key env var (or --api-key-file). A missing one throws the
 * worker's CredentialsError, which the entry turns into a CliError (toCliError).
 */
export function credentials(spec: ImmichFamilySpec, env: NodeJS.ProcessEnv, apiKeyFile: unknown): Promise<Credentials> {
  return resolveCredentials(spec, env, typeof apiKeyFile === "string" ? apiKeyFile : undefined);
}
