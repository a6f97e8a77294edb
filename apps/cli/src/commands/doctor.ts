import { checkReportLines, checksExitCode } from "@family/immich-spec";
import { runDoctor } from "@family/immich-worker";
import type { CommandMain } from "../_command.js";
import type { Io } from "../_io.js";
import { loadSpecOrThrow } from "../_spec.js";
import { credentials } from "./_immich-credentials.js";

async function preflight(cwd: string, io: Io, env: NodeJS.ProcessEnv, path: string | undefined, flags: Record<string, unknown>): Promise<number> {
  const { spec } = await loadSpecOrThrow(cwd, path);
  const { runPreflight, preflightLines } = await import("../preflight/run-preflight.js");
  const report = await runPreflight({ spec, cwd, env, target: flags.target as string | undefined, out: String(flags.out ?? "rendered") });
  if (flags.output === "json") io.stdout(JSON.stringify(report, null, 2));
  else for (const line of preflightLines(report)) io.stdout(line);
  return checksExitCode(report.targets.flatMap((t) => t.checks));
}

/** `immich-family doctor`: check a live server against the spec (or, with --preflight, the deploy target); exit 1 on any failed check. */
export const main: CommandMain = async ({ cwd, io, env }, [path], flags) => {
  if (flags.preflight === true) return preflight(cwd, io, env, path, flags);
  const { spec } = await loadSpecOrThrow(cwd, path);
  const creds = await credentials(spec, env, flags.apiKeyFile);
  const report = await runDoctor({ spec, url: creds.url, apiKey: creds.apiKey, keyName: creds.keySource, env });
  if (flags.output === "json") io.stdout(JSON.stringify(report, null, 2));
  else for (const line of checkReportLines([{ checks: report.checks }])) io.stdout(line);
  // A rejected key is the user's to fix (exit 2), not a check to retry.
  for (const key of report.rejectedKeys) io.stderr(`error: the server rejects the API key in ${key}: put a valid key there`);
  if (report.rejectedKeys.length > 0) return 2;
  return checksExitCode(report.checks);
};
