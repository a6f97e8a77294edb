import { lstat, readFile } from "node:fs/promises";
import { escapeControl } from "@family/immich-spec";
import { CliError } from "../_errors.js";
import { writeFileAtomically } from "../_write.js";
import type { BackupCheck } from "./checks.js";

/** The checks of one backup: which source, where it was looked for, and the file found. */
export interface DrilledBackup {
  readonly source: string;
  readonly where: string;
  readonly file: string | undefined;
  readonly checks: readonly BackupCheck[];
}

/** What `backup verify` and `backup check` report, also as `--output json` and the status file. */
export interface DrillReport {
  readonly ok: boolean;
  /** ISO time the drill finished. */
  readonly finishedAt: string;
  readonly backups: readonly DrilledBackup[];
}

export function drillReport(backups: readonly DrilledBackup[], now: Date): DrillReport {
  return { ok: !backups.some((b) => b.checks.some((c) => c.status === "fail")), finishedAt: now.toISOString(), backups };
}

/** One table per backup, each check that did not pass followed by its fix, then the summary line. */
export function reportLines(report: DrillReport): string[] {
  const all = report.backups.flatMap((b) => b.checks);
  const w = Math.max(5, ...all.map((c) => c.check.length));
  const out: string[] = [];
  for (const b of report.backups) {
    out.push(`${b.source}: ${escapeControl(b.where)}`, `${"CHECK".padEnd(w)}  STATUS  DETAIL`);
    for (const c of b.checks) {
      out.push(`${c.check.padEnd(w)}  ${c.status.toUpperCase().padEnd(6)}  ${escapeControl(c.detail)}`);
      if (c.fix && c.status === "fail") out.push(`${"".padEnd(w)}          fix: ${escapeControl(c.fix)}`);
    }
    out.push("");
  }
  const n = (s: string) => all.filter((c) => c.status === s).length;
  out.push(`Summary: ${report.ok ? "PASS" : "FAIL"}, ${n("pass")} passed, ${n("fail")} failed, ${n("skip")} skipped`);
  return out;
}

/**
 * The last drill's result and time, for monitoring: JSON, plus the Prometheus text-format gauges a
 * node_exporter textfile collector reads when the file name ends in `.prom`.
 */
export async function writeStatusFile(file: string, report: DrillReport): Promise<void> {
  await refuseForeignFile(file);
  if (file.endsWith(".prom")) {
    const failed = report.backups.flatMap((b) => b.checks).filter((c) => c.status === "fail").length;
    const text = [
      "# HELP immich_family_backup_drill_success 1 when the last restore drill passed every check.",
      "# TYPE immich_family_backup_drill_success gauge",
      `immich_family_backup_drill_success ${report.ok ? 1 : 0}`,
      "# HELP immich_family_backup_drill_timestamp_seconds When the last restore drill finished.",
      "# TYPE immich_family_backup_drill_timestamp_seconds gauge",
      `immich_family_backup_drill_timestamp_seconds ${Math.floor(Date.parse(report.finishedAt) / 1000)}`,
      "# HELP immich_family_backup_drill_failed_checks Checks the last restore drill failed.",
      "# TYPE immich_family_backup_drill_failed_checks gauge",
      `immich_family_backup_drill_failed_checks ${failed}`,
      "",
    ].join("\n");
    await writeFileAtomically(file, text);
    return;
  }
  await writeFileAtomically(file, `${JSON.stringify(report, null, 2)}\n`);
}

const PROM_HEAD = "# HELP immich_family_backup_drill_success";

/** Overwrite only a status file an earlier drill wrote: never a spec, a note or anything else named by mistake. */
async function refuseForeignFile(file: string): Promise<void> {
  const info = await lstat(file).catch(() => undefined);
  if (!info) return;
  const ours =
    info.isFile() &&
    info.size < 1024 * 1024 &&
    (await readFile(file, "utf8").then(
      (text) => text.startsWith(PROM_HEAD) || /^\{\s*"ok": (true|false),\s*"finishedAt": /.test(text),
      () => false,
    ));
  if (!ours) {
    throw new CliError(
      "bad-arguments",
      `--status-file ${escapeControl(file)} exists and is not a status file a drill wrote; name a new file (nothing was overwritten)`,
    );
  }
}
