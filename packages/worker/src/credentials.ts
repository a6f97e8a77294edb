import { readFile } from "node:fs/promises";
import type { ImmichFamilySpec } from "@family/immich-spec";

/** Where to reach the server and the worker's admin key. */
export interface Credentials {
  /** API base URL ending in /api. */
  readonly url: string;
  readonly apiKey: string;
  /** Where the key came from (never the key itself), for messages. */
  readonly keySource: string;
}

/** Why credentials could not be found; the message says what to set. */
export class CredentialsError extends Error {
  override readonly name = "CredentialsError";
}

/** `https://host` or `https://host/api` → `https://host/api`. */
export function apiUrl(url: string): string {
  const trimmed = url.trim().replace(/\/+$/, "");
  return trimmed.endsWith("/api") ? trimmed : `${trimmed}/api`;
}

/**
 * The server URL from `IMMICH_URL`, the worker's admin key from `--api-key-file`, `IMMICH_API_KEY_FILE`,
 * or the env var the spec names (`worker.apiKey`, default `IMMICH_API_KEY`).
 */
export async function resolveCredentials(spec: ImmichFamilySpec | undefined, env: NodeJS.ProcessEnv, apiKeyFile?: string): Promise<Credentials> {
  const url = env.IMMICH_URL;
  if (!url) throw new CredentialsError("IMMICH_URL is not set. Set it to the server's address, e.g. IMMICH_URL=https://photos.example.com/api");
  const file = apiKeyFile ?? env.IMMICH_API_KEY_FILE;
  if (file) {
    let key: string;
    try {
      key = (await readFile(file, "utf8")).trim();
    } catch (error) {
      throw new CredentialsError(`Cannot read the API key file ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
    if (!key) throw new CredentialsError(`The API key file ${file} is empty`);
    return { url: apiUrl(url), apiKey: key, keySource: file };
  }
  const name = spec?.worker.apiKey.key ?? "IMMICH_API_KEY";
  const key = env[name]?.trim();
  if (!key) throw new CredentialsError(`${name} is not set. Put the worker's admin API key in ${name} (the spec's worker.apiKey), or pass --api-key-file`);
  return { url: apiUrl(url), apiKey: key, keySource: name };
}
