import { lstat, readdir, stat } from "node:fs/promises";
import { basename, join } from "node:path";

/** Who wrote a backup: tiredofit/db-backup (the Compose target's nightly dump) or Immich itself. */
export type BackupSource = "db-backup" | "immich";

/** A backup file chosen for a drill. */
export interface BackupFile {
  readonly path: string;
  readonly name: string;
  readonly source: BackupSource | "given";
  readonly size: number;
  readonly mtimeMs: number;
  /** How many backups the folder held (1 for a given file). */
  readonly count: number;
}

/**
 * File names as the writers make them. db-backup: `pgsql_<db>_<host>_<YYYYmmdd-HHMMSS>.sql` plus
 * `.zst`/`.gz`/`.bz2`/`.xz` for its compression and `.gpg` when encrypted (`pgsql_all_…` for a
 * `pg_dumpall`, `pgsql_globals_…` for the roles alone, which is no database backup). Immich:
 * `immich-db-backup-<yyyyLLdd'T'HHmmss>-v<version>-pg<version>.sql.gz` (older releases: without the versions).
 */
const NAMES: Record<BackupSource, RegExp> = {
  "db-backup": /^pgsql_(?!globals_)(.+)_(\d{8}-\d{6})\.sql(\.(gz|zst|bz2|xz))?(\.gpg)?$/,
  immich: /^immich-db-backup-[A-Za-z0-9._+-]*\.sql\.gz$/,
};

/** The database a db-backup file name says it holds (`all` for a whole-cluster dump), lower-cased host removed. */
export function databaseInName(name: string, database: string): "match" | "all" | "other" {
  const m = NAMES["db-backup"].exec(name);
  if (!m?.[1]) return "other";
  if (m[1].startsWith(`${database}_`)) return "match";
  if (m[1].startsWith("all_")) return "all";
  return "other";
}

export type FindResult =
  | { readonly found: true; readonly backup: BackupFile }
  | { readonly found: false; readonly reason: "missing-folder" | "not-a-folder" | "empty" | "unreadable"; readonly detail: string };

/** The newest backup of `source` in `folder` by modification time: regular files only (no `latest-…` link, no FIFO). */
export async function findNewest(folder: string, source: BackupSource, shown = folder): Promise<FindResult> {
  let entries: string[];
  try {
    const info = await stat(folder);
    if (!info.isDirectory()) return { found: false, reason: "not-a-folder", detail: `${shown} is not a folder` };
    entries = await readdir(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { found: false, reason: "missing-folder", detail: `${shown} does not exist` };
    return { found: false, reason: "unreadable", detail: `${shown} cannot be read (${code ?? "error"})` };
  }
  const candidates: BackupFile[] = [];
  for (const name of entries) {
    if (!NAMES[source].test(name)) continue;
    const path = join(folder, name);
    const info = await lstat(path).catch(() => undefined);
    if (!info?.isFile()) continue;
    candidates.push({ path, name, source, size: info.size, mtimeMs: info.mtimeMs, count: 0 });
  }
  candidates.sort((a, b) => b.mtimeMs - a.mtimeMs || b.name.localeCompare(a.name));
  const newest = candidates[0];
  if (!newest)
    return { found: false, reason: "empty", detail: `${shown} holds no ${source === "immich" ? "immich-db-backup-*.sql.gz" : "pgsql_*.sql*"} backup` };
  return { found: true, backup: { ...newest, count: candidates.length } };
}

/** A backup named by `--file`: it must be a regular file (a FIFO or a device would hang or never end). */
export async function givenFile(path: string): Promise<FindResult> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return { found: false, reason: "not-a-folder", detail: `${path} is not a regular file` };
    const name = basename(path);
    const source: BackupSource | "given" = NAMES["db-backup"].test(name) ? "db-backup" : NAMES.immich.test(name) ? "immich" : "given";
    return { found: true, backup: { path, name, source, size: info.size, mtimeMs: info.mtimeMs, count: 1 } };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { found: false, reason: "missing-folder", detail: `${path} does not exist` };
    return { found: false, reason: "unreadable", detail: `${path} cannot be read (${code ?? "error"})` };
  }
}
