import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { type BackupCheck, type CheckOptions, checkDatabase } from "./checks.js";
import { type ChecksumResult, verifyChecksum } from "./checksum.js";
import { type BackupFile, databaseInName, type FindResult } from "./find-backup.js";
import { availableExtensions, type PreparedSql, prepareSql, restoreSql } from "./restore.js";
import type { PgServer } from "./scratch-server.js";
import { describeFormat, unpack } from "./unpack.js";
import { firstLine } from "../preflight/tool.js";

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

/** Find, check, unpack, restore into a database of its own on the scratch server, and check one backup; the database is dropped after. */
export async function drillBackup(o: DrillOptions): Promise<{ backup: BackupFile | undefined; checks: BackupCheck[] }> {
  const checks: BackupCheck[] = [];
  const fail = (check: string, detail: string, fix: string) => checks.push({ check, status: "fail", detail, fix });
  if (!o.found.found) {
    fail("backup", o.found.detail, o.missingFix);
    return { backup: undefined, checks };
  }
  const b = o.found.backup;
  checks.push({
    check: "backup",
    status: "pass",
    detail: b.source === "given" || b.count === 1 ? `${b.name} (${b.size} bytes)` : `${b.name}, the newest of ${b.count} in ${o.where} (${b.size} bytes)`,
  });
  if (b.source === "db-backup" && databaseInName(b.name, o.spec.database.name) === "other") {
    fail(
      "database",
      `${b.name} is a dump of another database, not ${o.spec.database.name}`,
      `set the backup's DB01_NAME to ${o.spec.database.name} (render again) and take a new backup`,
    );
    return { backup: b, checks };
  }
  const age = o.now - b.mtimeMs;
  if (o.maxAgeMs !== undefined) {
    if (age > o.maxAgeMs) {
      fail(
        "age",
        `taken ${ageText(age)} ago; the schedule allows ${o.maxAgeText}`,
        "the nightly backup has stopped: check its cron line and `docker compose logs` of the backup service",
      );
    } else checks.push({ check: "age", status: "pass", detail: `taken ${ageText(age)} ago (the schedule allows ${o.maxAgeText})` });
  }
  const sum: ChecksumResult = await verifyChecksum(b.path);
  if (sum.status === "mismatch") {
    fail(
      "checksum",
      `${sum.algorithm.toUpperCase()} of ${b.name} is ${sum.actual}, ${sum.sidecar.split("/").pop()} says ${sum.expected}`,
      "the file changed after it was written (a damaged disk or a partial copy): take a new backup and check the disk",
    );
    return { backup: b, checks };
  }
  if (sum.status === "unreadable")
    fail("checksum", `${sum.sidecar.split("/").pop()}: ${sum.detail}`, "remove the damaged checksum file's backup and take a new one");
  else if (sum.status === "match")
    checks.push({ check: "checksum", status: "pass", detail: `${sum.algorithm.toUpperCase()} matches ${sum.sidecar.split("/").pop()}` });
  else if (o.checksumRequired)
    fail("checksum", `no ${b.name}.sha1 beside it`, "db-backup writes the checksum with every dump it finishes: take a new backup and read its log");
  else checks.push({ check: "checksum", status: "skip", detail: "no checksum file beside it (Immich writes none)" });

  const unpacked = await unpack(b.path, { scratch: o.scratch, passphrase: o.passphrase, passphraseName: o.passphraseName, env: o.env, signal: o.signal });
  if (!unpacked.ok) {
    fail("format", `${b.name}: ${unpacked.detail}`, unpacked.fix);
    return { backup: b, checks };
  }
  checks.push({ check: "format", status: "pass", detail: describeFormat(unpacked.layers, unpacked.kind) });

  let sql: PreparedSql;
  if (unpacked.kind === "custom" || unpacked.kind === "tar") {
    const script = join(o.scratch, "archive.sql");
    const r = await o.server.archiveToSql(unpacked.path, script);
    if (r.code !== 0) {
      fail(
        "restore",
        `${b.name}: pg_restore cannot read the archive: ${firstLine(r.stderr).replace(/^pg_restore:\s*(error:\s*)?/, "")}`,
        "the archive is truncated or damaged: take a new backup",
      );
      return { backup: b, checks };
    }
    sql = await prepareSql(script, "plain", o.spec.database.name, o.scratch);
  } else sql = await prepareSql(unpacked.path, unpacked.kind, o.spec.database.name, o.scratch);
  if (sql.missingDatabase) {
    fail(
      "database",
      `${b.name} is a cluster dump without the database ${o.spec.database.name} (it holds ${sql.databases.join(", ") || "none"})`,
      "back up the database Immich uses and take a new backup",
    );
    return { backup: b, checks };
  }
  if (!sql.complete) {
    fail(
      "restore",
      `${b.name} is cut off: it lacks pg_dump's closing "dump complete" line`,
      "the backup was interrupted or the disk filled up: free space, take a new backup and read its log",
    );
    return { backup: b, checks };
  }

  const database = `immich_drill_${randomBytes(4).toString("hex")}`;
  // Dropped in the end whatever happens, also when a stop cuts CREATE DATABASE short after it committed.
  try {
    const created = await o.server.psql(o.maintenance, ["-v", "ON_ERROR_STOP=1", "-c", `CREATE DATABASE ${database}`]);
    if (created.code !== 0) {
      fail(
        "restore",
        `cannot create a scratch database on ${o.server.label}: ${firstLine(created.stderr).replace(/^psql:\s*(error:\s*)?/, "")}`,
        "check the scratch server: it must be up and its user allowed to create databases",
      );
      return { backup: b, checks };
    }
    let available: Set<string>;
    try {
      available = await availableExtensions(o.server, database);
    } catch (error) {
      fail("restore", `cannot read ${o.server.label}: ${(error as Error).message}`, "check the scratch server: it must stay up during the drill");
      return { backup: b, checks };
    }
    const restored = await restoreSql(o.server, database, sql, available);
    const skipped =
      restored.skippedTables.length > 0
        ? `; left out ${restored.skippedTables.join(", ")}: the scratch server has no ${restored.missingExtensions.join(", ")} extension`
        : "";
    if (!restored.ok) {
      const n = restored.errors.length;
      fail(
        "restore",
        `${n} error${n === 1 ? "" : "s"} restoring ${b.name}, first: ${restored.errors[0]}`,
        "the dump does not restore cleanly: read the errors (run psql on it) and take a new backup",
      );
    } else checks.push({ check: "restore", status: "pass", detail: `restored into a scratch database on ${o.server.label}${skipped}` });
    try {
      checks.push(...(await checkDatabase(o.server, database, { ...o, live: o.live })));
    } catch (error) {
      fail(
        "records",
        `the restored database cannot be read: ${(error as Error).message}`,
        "the dump is not an Immich database of a supported release: check the backup's source",
      );
    }
  } finally {
    await o.server.psql(o.maintenance, ["-c", `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`], undefined, true);
  }
  return { backup: b, checks };
}
