import type { ImmichFamilySpec } from "@family/immich-spec";
import { type Credentials, resolveCredentials } from "@family/immich-worker";
import { refuseIrregular } from "../_safe-read.js";

/**
 * Credentials from IMMICH_URL and the spec's key env var (or --api-key-file). A missing one throws the
 * worker's CredentialsError, which the entry turns into a CliError (toCliError). A key file that is a
 * FIFO or device is refused before it is read: a read blocked in Node's thread pool would keep Ctrl-C
 * from ending the command.
 */
export function credentials(spec: ImmichFamilySpec, env: NodeJS.ProcessEnv, apiKeyFile: unknown): Promise<Credentials> {
  const file = typeof apiKeyFile === "string" ? apiKeyFile : env.IMMICH_API_KEY_FILE;
  if (file) refuseIrregular(file, "The API key file");
  return resolveCredentials(spec, env, typeof apiKeyFile === "string" ? apiKeyFile : undefined);
}
