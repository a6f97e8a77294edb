import { type DoctorReport, runDoctor } from "@family/immich-worker";
import { escapeControl } from "@family/immich-spec";
import type { CommandMain } from "../_command.js";
import type { Io } from "../_io.js";
import { loadSpecOrThrow } from "../_spec.js";
import type { PreflightReport } from "../preflight/run-preflight.js";
import { credentials } from "./_immich-credentials.js";

/** The checks as an aligned table. */
export function doctorTable(report: DoctorReport): string[] {
  const w = Math.max(5, ...report.checks.map((c) => c.check.length));
  return [
    `${"CHECK".padEnd(w)}  STATUS  DETAIL`,
    ...report.checks.map((c) => `${c.check.padEnd(w)}  ${c.status.toUpperCase().padEnd(6)}  ${escapeControl(c.detail)}`),
  ];
}

/** The preflight as one table per target, each check that did not pass followed by its fix. */
export function preflightTable(report: PreflightReport): string[] {
  const all = report.targets.flatMap((t) => t.checks);
  const w = Math.max(5, ...all.map((c) => c.check.length));
  const out: string[] = [];
  for (const { target, checks } of report.targets) {
    out.push(`${target} preflight`, `${"CHECK".padEnd(w)}  STATUS  DETAIL`);
    for (const c of checks) {
      out.push(`${c.check.padEnd(w)}  ${c.status.toUpperCase().padEnd(6)}  ${escapeControl(c.detail)}`);
      if (c.fix && c.status !== "pass") out.push(`${"".padEnd(w)}          fix: ${escapeControl(c.fix)}`);
    }
    out.push("");
  }
  const n = (s: string) => all.filter((c) => c.status === s).length;
  out.push(`Summary: ${n("pass")} passed, ${n("fail")} failed, ${n("skip")} skipped`);
  return out;
}

async function preflight(cwd: string, io: Io, env: NodeJS.ProcessEnv, path: string | undefined, flags: Record<string, unknown>): Promise<number> {
  const { spec } = await loadSpecOrThrow(cwd, path);
  const { runPreflight } = await import("../preflight/run-preflight.js");
  const report = await runPreflight({ spec, cwd, env, target: flags.target as string | undefined, out: String(flags.out ?? "rendered") });
  if (flags.output === "json") io.stdout(JSON.stringify(report, null, 2));
  else for (const line of preflightTable(report)) io.stdout(line);
  return report.ok ? 0 : 1;
}

/** `immich-family doctor`: check a live server against the spec (or, with --preflight, the deploy target); exit 1 on any failed check. */
export const main: CommandMain = async ({ cwd, io, env }, [path], flags) => {
  if (flags.preflight === true) return preflight(cwd, io, env, path, flags);
  const { spec } = await loadSpecOrThrow(cwd, path);
  const creds = await credentials(spec, env, flags.apiKeyFile);
  const report = await runDoctor({ spec, url: creds.url, apiKey: creds.apiKey, keyName: creds.keySource, env });
  if (flags.output === "json") io.stdout(JSON.stringify(report, null, 2));
  else {
    for (const line of doctorTable(report)) io.stdout(line);
    const n = (s: string) => report.checks.filter((c) => c.status === s).length;
    io.stdout(`Summary: ${n("pass")} passed, ${n("fail")} failed, ${n("warn")} warnings, ${n("skip")} skipped`);
  }
  // A rejected key is the user's to fix (exit 2), not a check to retry.
  for (const key of report.rejectedKeys) io.stderr(`error: the server rejects the API key in ${key}: put a valid key there`);
  if (report.rejectedKeys.length > 0) return 2;
  return report.ok ? 0 : 1;
};
