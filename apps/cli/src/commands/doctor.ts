import { type DoctorReport, runDoctor } from "@family/immich-worker";
import type { CommandMain } from "../_command.js";
import { loadSpecOrThrow } from "../_spec.js";
import { credentialsOrThrow } from "./_immich-credentials.js";

/** The checks as an aligned table. */
export function doctorTable(report: DoctorReport): string[] {
  const w = Math.max(5, ...report.checks.map((c) => c.check.length));
  return [`${"CHECK".padEnd(w)}  STATUS  DETAIL`, ...report.checks.map((c) => `${c.check.padEnd(w)}  ${c.status.toUpperCase().padEnd(6)}  ${c.detail}`)];
}

/** `immich-family doctor`: check a live server against the spec; exit 1 on any failed check. */
export const main: CommandMain = async ({ cwd, io, env }, [path], flags) => {
  const { spec } = await loadSpecOrThrow(cwd, path);
  const creds = await credentialsOrThrow(spec, env, flags.apiKeyFile);
  const report = await runDoctor({ spec, url: creds.url, apiKey: creds.apiKey, env });
  if (flags.output === "json") io.stdout(JSON.stringify(report, null, 2));
  else {
    for (const line of doctorTable(report)) io.stdout(line);
    const n = (s: string) => report.checks.filter((c) => c.status === s).length;
    io.stdout(`Summary: ${n("pass")} passed, ${n("fail")} failed, ${n("warn")} warnings, ${n("skip")} skipped`);
  }
  return report.ok ? 0 : 1;
};
