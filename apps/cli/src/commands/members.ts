import { resolve } from "node:path";
import { escapeControl } from "@family/immich-spec";
import { type MemberChange, type MembersReport, plural, reconcileMembers } from "@family/immich-worker";
import type { CommandMain } from "../_command.js";
import { CliError } from "../_errors.js";
import { loadSpecOrThrow } from "../_spec.js";
import { credentials } from "./_immich-credentials.js";

const ACTIONS = ["plan", "sync"] as const;

const who = (c: MemberChange) => escapeControl("handle" in c ? c.handle : c.email);

/** The plan (or, after a sync, what became of each change) as a table, then what waits, what was held and who is not declared. */
export function membersTable(report: MembersReport): string[] {
  const { plan } = report;
  const lines: string[] = [];
  // Names and emails come from the server: escaped, so each stays one line and cannot steer the terminal.
  const rows = plan.changes.map((c, i) => [report.outcomes?.[i] ?? c.kind, who(c), escapeControl(c.why)] as const);
  if (rows.length === 0) lines.push(`nothing to do (${plural(plan.unchanged, "member")} up to date)`);
  else {
    const w0 = Math.max(6, ...rows.map((r) => r[0].length));
    const w1 = Math.max(6, ...rows.map((r) => r[1].length));
    lines.push(`${(report.outcomes ? "RESULT" : "ACTION").padEnd(w0)}  ${"MEMBER".padEnd(w1)}  WHY`);
    for (const [a, m, why] of rows) lines.push(`${a.padEnd(w0)}  ${m.padEnd(w1)}  ${why}`);
    if (plan.unchanged > 0) lines.push(`(${plural(plan.unchanged, "more member")} up to date)`);
  }
  for (const w of plan.waiting) lines.push(`waiting: ${escapeControl(w)}`);
  for (const h of plan.held) lines.push(`held: ${escapeControl(h)}`);
  for (const n of report.notes) lines.push(`note: ${escapeControl(n)}`);
  for (const u of plan.undeclared)
    lines.push(`not in the spec: ${escapeControl(u.email)} (${escapeControl(u.name)}${u.isAdmin ? ", admin" : ""}); left alone unless --prune`);
  return lines;
}

/** `immich-family members plan|sync`: the family's accounts as the spec declares them. */
export const main: CommandMain = async ({ cwd, io, env, signal }, [act, path], flags) => {
  if (!ACTIONS.includes(act as (typeof ACTIONS)[number]))
    throw new CliError("bad-arguments", `members: expected an action, plan or sync, got ${act ?? "nothing"}. Run \`immich-family members plan\`.`);
  const output = flags.output ?? "text";
  const { spec } = await loadSpecOrThrow(cwd, path);
  const creds = await credentials(spec, env, flags.apiKeyFile);
  const apply = act === "sync";
  const report = await reconcileMembers({
    spec,
    baseUrl: creds.url,
    adminApiKey: creds.apiKey,
    env,
    apply,
    prune: flags.prune === true,
    deep: flags.deep === true,
    stateDir: resolve(cwd, typeof flags.stateDir === "string" ? flags.stateDir : ".immich-family"),
    signal,
  });
  if (output === "json") io.stdout(JSON.stringify({ applied: apply, ...report }, null, 2));
  else {
    for (const line of membersTable(report)) io.stdout(line);
    for (const f of report.failures) io.stderr(`error: ${escapeControl(f)}`);
    const n = (k: string) => report.outcomes?.filter((o) => o === k).length ?? 0;
    io.stdout(
      apply
        ? `Summary: ${n("created")} created, ${n("restored")} restored, ${n("updated")} updated, ${n("preferences")} preferences set, ${n("partnered")} partner shares made, ${n("deleted")} deleted, ${n("failed")} failed; ${report.plan.waiting.length} waiting, ${report.plan.held.length} held, ${report.plan.undeclared.length} not in the spec`
        : `Summary: ${report.plan.changes.length} to change, ${report.plan.unchanged} up to date; ${report.plan.waiting.length} waiting, ${report.plan.held.length} held, ${report.plan.undeclared.length} not in the spec`,
    );
  }
  return report.ok ? 0 : 1;
};
