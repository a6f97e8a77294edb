// Zod-free: doctor (the worker), preflight and the backup drills (the CLI) report their checks through this one model and printer.
import { errorMessage } from "./error-message.js";
import { escapeControl } from "./escape.js";

/** The outcome of one check line; only `fail` makes a report fail. */
export type CheckStatus = "pass" | "warn" | "fail" | "skip";

/** One line of a check report (doctor, preflight, a restore drill); `fix` says what to do when it did not pass. */
export interface CheckResult {
  readonly check: string;
  readonly status: CheckStatus;
  readonly detail: string;
  readonly fix?: string;
}

/** A small check over a context; it may report several lines (one per member, per CRD, per path, …). */
export interface Check<C> {
  readonly name: string;
  readonly run: (ctx: C) => Promise<CheckResult[]>;
}

/** Run every check in order; one that throws becomes a failed line of its own, named after it, and the others still run. */
export async function runChecks<C>(checks: readonly Check<C>[], ctx: C): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const check of checks) {
    try {
      out.push(...(await check.run(ctx)));
    } catch (error) {
      out.push({ check: check.name, status: "fail", detail: errorMessage(error) });
    }
  }
  return out;
}

/** Whether a report passes: no line failed (warnings and skips do not fail it). */
export function checksPassed(results: readonly CheckResult[]): boolean {
  return !results.some((r) => r.status === "fail");
}

/** How many lines of a report passed, failed, warned and were skipped. */
export interface CheckCounts {
  readonly passed: number;
  readonly failed: number;
  readonly warnings: number;
  readonly skipped: number;
}

/** What every check report's JSON starts with (doctor, preflight, the drills): the verdict and the counts. */
export interface CheckReport {
  readonly ok: boolean;
  readonly summary: CheckCounts;
}

const count = (results: readonly CheckResult[], status: CheckStatus) => results.filter((r) => r.status === status).length;

/** The verdict and the counts of a report's lines. */
export function checkReport(results: readonly CheckResult[]): CheckReport {
  const summary = { passed: count(results, "pass"), failed: count(results, "fail"), warnings: count(results, "warn"), skipped: count(results, "skip") };
  return { ok: summary.failed === 0, summary };
}

/** The process's exit code for a report: 0 when it passed, 1 when a line failed. */
export function checksExitCode(results: readonly CheckResult[]): 0 | 1 {
  return checksPassed(results) ? 0 : 1;
}

/** One table of a printed report: a title line (a target, a backup; none for a single table) and its lines. */
export interface CheckTable {
  readonly title?: string | undefined;
  readonly checks: readonly CheckResult[];
}

/** The last line of every check report: the verdict, then how many lines passed, failed, warned and were skipped. */
export function checkSummary(results: readonly CheckResult[]): string {
  const { ok, summary: n } = checkReport(results);
  return `Summary: ${ok ? "PASS" : "FAIL"}, ${n.passed} passed, ${n.failed} failed, ${n.warnings} warning${n.warnings === 1 ? "" : "s"}, ${n.skipped} skipped`;
}

/**
 * A check report as text: each table under its title, its columns aligned across all tables, each line
 * that did not pass followed by its fix; a blank line after each table, then the summary. Every value is
 * escaped: a detail may echo a file name or a server's answer.
 */
export function checkReportLines(tables: readonly CheckTable[]): string[] {
  const all = tables.flatMap((t) => t.checks);
  const w = Math.max(5, ...all.map((c) => c.check.length));
  const out: string[] = [];
  for (const { title, checks } of tables) {
    if (title !== undefined) out.push(escapeControl(title));
    out.push(`${"CHECK".padEnd(w)}  STATUS  DETAIL`);
    for (const c of checks) {
      out.push(`${c.check.padEnd(w)}  ${c.status.toUpperCase().padEnd(6)}  ${escapeControl(c.detail)}`);
      if (c.fix && c.status !== "pass") out.push(`${"".padEnd(w)}          fix: ${escapeControl(c.fix)}`);
    }
    out.push("");
  }
  out.push(checkSummary(all));
  return out;
}
