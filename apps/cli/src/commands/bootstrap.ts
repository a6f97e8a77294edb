import { join, resolve } from "node:path";
import { escapeControl, type ImmichFamilySpec } from "@family/immich-spec";
import { apiUrl, bootstrap, envFileKeyStore, readEnvFile } from "@family/immich-worker";
import type { CommandMain } from "../_command.js";
import { CliError } from "../_errors.js";
import { loadSpecOrThrow } from "../_spec.js";
import { selectTargets } from "../_targets.js";

/** The secrets env file a render put beside the target: `<out>[/<target>]/<envFile>`. */
function targetSecretsFile(spec: ImmichFamilySpec, cwd: string, flags: Record<string, unknown>): string {
  const declared = selectTargets(spec, flags.target);
  if (declared.length > 1)
    throw new CliError(
      "bad-arguments",
      "The spec declares both targets: pick the one whose secrets file gets the key with --target, or pass --secrets-env FILE.",
    );
  const target = declared[0]!;
  const all = selectTargets(spec, undefined);
  const out = resolve(cwd, typeof flags.out === "string" ? flags.out : "rendered");
  const dir = all.length > 1 ? join(out, target) : out;
  if (target === "compose") return join(dir, spec.targets.compose!.envFile);
  const secrets = spec.targets.kubernetes!.secrets;
  if ("envFile" in secrets) return join(dir, secrets.envFile);
  throw new CliError(
    "bad-arguments",
    "targets.kubernetes.secrets names an existing Secret, which bootstrap does not write: pass --secrets-env FILE and put the key in that Secret yourself.",
  );
}

/**
 * `immich-family bootstrap`: a fresh server gets the spec's first admin, and the worker its own key with
 * exactly the permissions the spec needs, written into the secrets env file (never printed).
 */
export const main: CommandMain = async ({ cwd, io, env, signal }, [path], flags) => {
  const output = flags.output ?? "text";
  const { spec } = await loadSpecOrThrow(cwd, path);
  const raw = env.IMMICH_URL;
  if (!raw) throw new CliError("bad-arguments", "Set IMMICH_URL to the server's address, e.g. IMMICH_URL=https://photos.example.com (a port-forward works).");
  const file = typeof flags.secretsEnv === "string" ? resolve(cwd, flags.secretsEnv) : targetSecretsFile(spec, cwd, flags);
  const keyName = spec.worker.apiKey.key;
  let fromFile: Record<string, string>;
  try {
    fromFile = await readEnvFile(file);
  } catch (error) {
    throw new CliError("bad-arguments", `Cannot use ${file} as the secrets env file: ${(error as Error).message}`, { cause: error });
  }
  const given = env[keyName]?.trim();
  const report = await bootstrap({
    spec,
    baseUrl: apiUrl(raw),
    // The secrets a user filled in the file, unless the environment says otherwise.
    env: { ...fromFile, ...env },
    store: envFileKeyStore(file, keyName),
    signal,
    ...(given ? { givenKey: given } : {}),
  }).catch((error: unknown) => {
    if (error instanceof Error && /^(EACCES|EPERM|EISDIR|ENOTDIR|EROFS)/.test((error as NodeJS.ErrnoException).code ?? ""))
      throw new CliError("write-failed", `Could not write ${keyName} into ${escapeControl(file)}: ${escapeControl(error.message)}`, { cause: error });
    throw error;
  });
  const { apiKey: _never, ...shown } = report;
  if (output === "json") io.stdout(JSON.stringify({ ...shown, secretsEnv: file, keyName }, null, 2));
  else {
    for (const step of report.steps) io.stdout(`  ${escapeControl(step)}`);
    const where = report.key === "given" ? `the key in ${keyName} is used as it is` : `${keyName} is in ${file}`;
    io.stdout(`Summary: admin ${report.admin}, worker key ${report.key}; ${where}`);
    if (report.missing.length > 0) io.stderr(`warning: the given key lacks ${report.missing.join(", ")}; the worker will fail where it needs them`);
  }
  return 0;
};
