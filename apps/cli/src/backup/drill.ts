import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { CheckResult } from "@family/immich-spec";
import { type CheckOptions, checkDatabase } from "./checks.js";
import { type ChecksumResult, verifyChecksum } from "./checksum.js";
import { type BackupFile, databaseInName, type FindResult } from "./find-backup.js";
import { availableExtensions, type PreparedSql, prepareSql, restoreSql } from "./restore.js";
import type { PgServer } from "./scratch-server.js";
import { describeFormat, unpack } from "./unpack.js";
import { firstLine } from "../_tool.js";

export interface DrillOptions extends Omit<CheckOptions, "live"> {
  /** What finding the backup gave. */
  readonly found: FindResult;
  /** Where it was looked for, as the user wrote it, and how to fix a missing one. */
  readonly where: string;
  readonly missingFix: string;
  /** Every file the drill writes goes here. */
  readonly scratch: string;
  readonly server: PgServer;
  /** The scratch server's database to connect to for creating and dropping the drill's own database. */
  readonly maintenance: string;
  readonly passphrase: string | undefined;
  readonly passphraseName: string;
  /** The newest backup may be this old (the schedule's promise); undefined: no age check. */
  readonly maxAgeMs: number | undefined;
  readonly maxAgeText: string | undefined;
  /** Whether a missing checksum file is a failure (db-backup writes one for every backup it renders with). */
  readonly checksumRequired: boolean;
  readonly live?: CheckOptions["live"];
  readonly now: number;
  readonly env: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal | undefined;
}

/** "3 h", "2 d": how old a backup is, for a report line. */
export function ageText(ms: number): string {
  const h = ms / 3_600_000;
  if (h < 1) return `${Math.max(0, Math.round(ms / 60_000))} min`;
  if (h < 48) return `${Math.round(h)} h`;
  return `${Math.round(h / 24)} d`;
}

/** A drill under way: its options, the backup, the lines so far. */
interface Drill {
  readonly o: DrillOptions;
  readonly b: BackupFile;
  readonly checks: CheckResult[];
}

const fail = (d: Drill, check: string, detail: string, fix: string) => d.checks.push({ check, status: "fail", detail, fix });
const sidecarName = (sum: { readonly sidecar: string }) => sum.sidecar.split("/").pop();

/** Which backup was found; false when its name says it is a dump of another database. */
function identify(d: Drill): boolean {
  const { o, b } = d;
  d.checks.push({
    check: "backup",
    status: "pass",
    detail: b.source === "given" || b.count === 1 ? `${b.name} (${b.size} bytes)` : `${b.name}, the newest of ${b.count} in ${o.where} (${b.size} bytes)`,
  });
  if (b.source !== "db-backup" || databaseInName(b.name, o.spec.database.name) !== "other") return true;
  fail(
    d,
    "database",
    `${b.name} is a dump of another database, not ${o.spec.database.name}`,
    `set the backup's DB01_NAME to ${o.spec.database.name} (render again) and take a new backup`,
  );
  return false;
}

/** Whether the newest backup is as recent as the schedule promises (no line without a schedule). */
function checkAge(d: Drill): void {
  const { o, b } = d;
  if (o.maxAgeMs === undefined) return;
  const age = o.now - b.mtimeMs;
  if (age <= o.maxAgeMs) d.checks.push({ check: "age", status: "pass", detail: `taken ${ageText(age)} ago (the schedule allows ${o.maxAgeText})` });
  else
    fail(
      d,
      "age",
      `taken ${ageText(age)} ago; the schedule allows ${o.maxAgeText}`,
      "the nightly backup has stopped: check its cron line and `docker compose logs` of the backup service",
    );
}

/** The checksum file beside the backup; false when the file changed after it was written. */
async function checkChecksum(d: Drill): Promise<boolean> {
  const { o, b } = d;
  const sum: ChecksumResult = await verifyChecksum(b.path);
  if (sum.status === "mismatch") {
    fail(
      d,
      "checksum",
      `${sum.algorithm.toUpperCase()} of ${b.name} is ${sum.actual}, ${sidecarName(sum)} says ${sum.expected}`,
      "the file changed after it was written (a damaged disk or a partial copy): take a new backup and check the disk",
    );
    return false;
  }
  if (sum.status === "unreadable") fail(d, "checksum", `${sidecarName(sum)}: ${sum.detail}`, "remove the damaged checksum file's backup and take a new one");
  else if (sum.status === "match") d.checks.push({ check: "checksum", status: "pass", detail: `${sum.algorithm.toUpperCase()} matches ${sidecarName(sum)}` });
  else if (o.checksumRequired)
    fail(d, "checksum", `no ${b.name}.sha1 beside it`, "db-backup writes the checksum with every dump it finishes: take a new backup and read its log");
  else d.checks.push({ check: "checksum", status: "skip", detail: "no checksum file beside it (Immich writes none)" });
  return true;
}

/** Decrypt and decompress, then turn the dump into one SQL script for the drill's database; undefined when it cannot restore. */
async function readDump(d: Drill): Promise<PreparedSql | undefined> {
  const { o, b } = d;
  const unpacked = await unpack(b.path, { scratch: o.scratch, passphrase: o.passphrase, passphraseName: o.passphraseName, env: o.env, signal: o.signal });
  if (!unpacked.ok) return void fail(d, "format", `${b.name}: ${unpacked.detail}`, unpacked.fix);
  d.checks.push({ check: "format", status: "pass", detail: describeFormat(unpacked.layers, unpacked.kind) });
  let sql: PreparedSql;
  if (unpacked.kind === "custom" || unpacked.kind === "tar") {
    const script = join(o.scratch, "archive.sql");
    const r = await o.server.archiveToSql(unpacked.path, script);
    if (r.code !== 0) {
      const why = firstLine(r.stderr).replace(/^pg_restore:\s*(error:\s*)?/, "");
      return void fail(d, "restore", `${b.name}: pg_restore cannot read the archive: ${why}`, "the archive is truncated or damaged: take a new backup");
    }
    sql = await prepareSql(script, "plain", o.spec.database.name, o.scratch);
  } else sql = await prepareSql(unpacked.path, unpacked.kind, o.spec.database.name, o.scratch);
  if (sql.missingDatabase) {
    const holds = sql.databases.join(", ") || "none";
    const detail = `${b.name} is a cluster dump without the database ${o.spec.database.name} (it holds ${holds})`;
    return void fail(d, "database", detail, "back up the database Immich uses and take a new backup");
  }
  if (!sql.complete) {
    const fix = "the backup was interrupted or the disk filled up: free space, take a new backup and read its log";
    return void fail(d, "restore", `${b.name} is cut off: it lacks pg_dump's closing "dump complete" line`, fix);
  }
  return sql;
}

/** Restore into `database` (just created) and check what it holds. */
async function restoreAndCheck(d: Drill, database: string, sql: PreparedSql): Promise<void> {
  const { o, b } = d;
  let available: Set<string>;
  try {
    available = await availableExtensions(o.server, database);
  } catch (error) {
    return void fail(d, "restore", `cannot read ${o.server.label}: ${(error as Error).message}`, "check the scratch server: it must stay up during the drill");
  }
  const restored = await restoreSql(o.server, database, sql, available);
  const skipped =
    restored.skippedTables.length > 0
      ? `; left out ${restored.skippedTables.join(", ")}: the scratch server has no ${restored.missingExtensions.join(", ")} extension`
      : "";
  if (restored.ok) d.checks.push({ check: "restore", status: "pass", detail: `restored into a scratch database on ${o.server.label}${skipped}` });
  else {
    const n = restored.errors.length;
    const fix = "the dump does not restore cleanly: read the errors (run psql on it) and take a new backup";
    fail(d, "restore", `${n} error${n === 1 ? "" : "s"} restoring ${b.name}, first: ${restored.errors[0]}`, fix);
  }
  try {
    d.checks.push(...(await checkDatabase(o.server, database, { ...o, live: o.live })));
  } catch (error) {
    const fix = "the dump is not an Immich database of a supported release: check the backup's source";
    fail(d, "records", `the restored database cannot be read: ${(error as Error).message}`, fix);
  }
}

/** A database of the drill's own on the scratch server for `use`, dropped after whatever happens. */
async function inScratchDatabase(d: Drill, use: (database: string) => Promise<void>): Promise<void> {
  const { o } = d;
  const database = `immich_drill_${randomBytes(4).toString("hex")}`;
  // Dropped in the end whatever happens, also when a stop cuts CREATE DATABASE short after it committed.
  try {
    const created = await o.server.psql(o.maintenance, ["-v", "ON_ERROR_STOP=1", "-c", `CREATE DATABASE ${database}`]);
    if (created.code !== 0) {
      const why = firstLine(created.stderr).replace(/^psql:\s*(error:\s*)?/, "");
      const fix = "check the scratch server: it must be up and its user allowed to create databases";
      return void fail(d, "restore", `cannot create a scratch database on ${o.server.label}: ${why}`, fix);
    }
    await use(database);
  } finally {
    await o.server.psql(o.maintenance, ["-c", `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`], undefined, true);
  }
}

/** Find, check, unpack, restore into a database of its own on the scratch server, and check one backup; the database is dropped after. */
export async function drillBackup(o: DrillOptions): Promise<{ backup: BackupFile | undefined; checks: CheckResult[] }> {
  if (!o.found.found) return { backup: undefined, checks: [{ check: "backup", status: "fail", detail: o.found.detail, fix: o.missingFix }] };
  const d: Drill = { o, b: o.found.backup, checks: [] };
  const done = { backup: d.b, checks: d.checks };
  if (!identify(d)) return done;
  checkAge(d);
  if (!(await checkChecksum(d))) return done;
  const sql = await readDump(d);
  if (sql) await inScratchDatabase(d, (database) => restoreAndCheck(d, database, sql));
  return done;
}
