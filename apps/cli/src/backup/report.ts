import { lstat, readFile } from "node:fs/promises";
import { type CheckCounts, type CheckResult, checkReport, checkReportLines, escapeControl } from "@family/immich-spec";
import { CliError } from "../_errors.js";
import type { Io } from "../_io.js";
import { writeFileAtomically } from "../_write.js";

/** The checks of one backup: which source, where it was looked for, and the file found. */
export interface DrilledBackup {
  readonly source: string;
  readonly where: string;
  readonly file: string | undefined;
  readonly checks: readonly CheckResult[];
}

/** What `backup verify` and `backup check` report, also as `--output json` and the status file. */
export interface DrillReport {
  readonly ok: boolean;
  /** ISO time the drill finished. */
  readonly finishedAt: string;
  readonly summary: CheckCounts;
  readonly backups: readonly DrilledBackup[];
}

export function drillReport(backups: readonly DrilledBackup[], now: Date): DrillReport {
  const { ok, summary } = checkReport(backups.flatMap((b) => b.checks));
  // `ok` and `finishedAt` first: a status file is known by how it starts (refuseForeignFile).
  return { ok, finishedAt: now.toISOString(), summary, backups };
}

/** One table per backup, titled with its source and where it was looked for, then the summary line. */
export function reportLines(report: DrillReport): string[] {
  return checkReportLines(report.backups.map((b) => ({ title: `${b.source}: ${b.where}`, checks: b.checks })));
}

/** The report as `--output` asks: JSON, or the tables. */
export function printReport(io: Io, output: unknown, report: DrillReport): void {
  if (output === "json") io.stdout(JSON.stringify(report, null, 2));
  else for (const line of reportLines(report)) io.stdout(line);
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
