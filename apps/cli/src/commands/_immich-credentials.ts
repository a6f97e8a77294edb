import type { ImmichFamilySpec } from "@family/immich-spec";
import { type Credentials, CredentialsError, ImmichApiError, resolveCredentials } from "@family/immich-worker";
import { CliError } from "../_errors.js";

/** Credentials from IMMICH_URL and the spec's key env var (or --api-key-file), as a CliError when missing. */
export async function credentialsOrThrow(spec: ImmichFamilySpec, env: NodeJS.ProcessEnv, apiKeyFile: unknown): Promise<Credentials> {
  try {
    return await resolveCredentials(spec, env, typeof apiKeyFile === "string" ? apiKeyFile : undefined);
  } catch (error) {
    if (error instanceof CredentialsError) throw new CliError("bad-arguments", error.message);
    throw error;
  }
}

/** An API failure as a CliError with the server's reason. */
export function apiFailure(error: unknown): never {
  if (error instanceof ImmichApiError) {
    throw new CliError(error.kind === "network" || error.kind === "timeout" ? "server-unreachable" : "server-error", error.message, { cause: error });
  }
  throw error;
}
