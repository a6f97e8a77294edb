import { createReadStream, createWriteStream } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { firstLine } from "../_tool.js";
import type { PgServer } from "./scratch-server.js";

/** Extensions whose types Immich's vector tables use (pgvector, VectorChord, pgvecto.rs). */
const VECTOR_EXTENSIONS = new Set(["vector", "vchord", "vectors"]);
const VECTOR_TYPE = /\b(?:public\.)?(?:vector|halfvec|sparsevec|vectors\.vector)\b\s*\(/;

/** What preparing a dump's SQL found out about it. */
export interface PreparedSql {
  readonly path: string;
  /** The dump ends with pg_dump's "dump complete" line (a cut-off dump does not). */
  readonly complete: boolean;
  /** `CREATE EXTENSION` names, in order. */
  readonly extensions: readonly string[];
  /** Tables with a column of a vector type: they cannot restore on a server without that extension. */
  readonly vectorTables: readonly string[];
  /** The databases a cluster dump holds (empty for other dumps). */
  readonly databases: readonly string[];
  /** A cluster dump without the wanted database. */
  readonly missingDatabase: boolean;
}

/**
 * Write the SQL the scratch database runs, from a plain dump or one database of a cluster dump:
 * ownership and grants go (the roles of the live server do not exist in a scratch one; pg_restore's
 * --no-owner --no-privileges do the same), so do a cluster dump's `CREATE DATABASE` and `\connect`.
 * COPY data passes untouched.
 */
export async function prepareSql(dump: string, kind: "plain" | "cluster", database: string, scratch: string): Promise<PreparedSql> {
  const path = join(scratch, "restore.sql");
  const out = createWriteStream(path, { mode: 0o600 });
  const lines = createInterface({ input: createReadStream(dump), crlfDelay: Number.POSITIVE_INFINITY });
  const extensions: string[] = [];
  const vectorTables = new Set<string>();
  const databases: string[] = [];
  let inCopy = false;
  let table: string | undefined;
  let complete = false;
  let clusterComplete = false;
  // In a cluster dump only the wanted database's section is kept.
  let keep = kind === "plain";
  let inWanted = false;
  const write = (line: string) => {
    if (!out.write(`${line}\n`)) return new Promise<void>((ok) => out.once("drain", () => ok()));
    return undefined;
  };
  for await (const line of lines) {
    if (inCopy) {
      if (keep) await write(line);
      if (line === "\\.") inCopy = false;
      continue;
    }
    if (kind === "cluster") {
      const section = /^-- Database "(.+)" dump$/.exec(line);
      if (section?.[1] !== undefined) {
        databases.push(section[1]);
        inWanted = section[1] === database;
        keep = inWanted;
        continue;
      }
      if (line === "-- PostgreSQL database cluster dump complete") clusterComplete = true;
      if (keep && /^(CREATE|DROP|ALTER) DATABASE |^\\connect |^SET default_transaction_read_only/.test(line)) continue;
    }
    if (!keep) continue;
    if (line === "-- PostgreSQL database dump complete") {
      complete = true;
      if (kind === "cluster") keep = false;
    }
    if (/^COPY .* FROM stdin;$/.test(line)) inCopy = true;
    const ext = /^CREATE EXTENSION IF NOT EXISTS ("?)([^"\s]+)\1/.exec(line);
    if (ext?.[2]) extensions.push(ext[2]);
    const create = /^CREATE TABLE ([^\s(]+) \($/.exec(line);
    if (create?.[1]) table = create[1].replace(/^public\./, "").replace(/"/g, "");
    else if (line === ");") table = undefined;
    else if (table && VECTOR_TYPE.test(line)) vectorTables.add(table);
    if (/^ALTER [A-Z ]+ .* OWNER TO .*;$/.test(line) || /^(GRANT|REVOKE) .*;$/.test(line)) continue;
    await write(line);
  }
  await new Promise<void>((ok, fail) => out.end((error?: Error | null) => (error ? fail(error) : ok())));
  return {
    path,
    complete: kind === "cluster" ? complete && clusterComplete : complete,
    extensions,
    vectorTables: [...vectorTables],
    databases,
    missingDatabase: kind === "cluster" && !databases.includes(database),
  };
}

export interface RestoreOutcome {
  readonly ok: boolean;
  /** Error lines that count: anything but what a missing vector extension explains. */
  readonly errors: readonly string[];
  /** Tables left out because the scratch server lacks their extension. */
  readonly skippedTables: readonly string[];
  readonly missingExtensions: readonly string[];
}

/** Error lines a missing vector extension causes, and only those: the extension, its types, its tables. */
function explainedByMissing(line: string, missing: ReadonlySet<string>, tables: ReadonlySet<string>): boolean {
  const ext = /extension "([^"]+)" (?:is not available|does not exist)|could not open extension control file ".*\/([^/"]+)\.control"/.exec(line);
  if (ext) return missing.has(ext[1] ?? ext[2] ?? "");
  const type = /type "(?:public\.)?([^"]+)" does not exist/.exec(line);
  if (type) return ["vector", "halfvec", "sparsevec"].includes(type[1] ?? "");
  const rel = /relation "(?:public\.)?([^"]+)" does not exist/.exec(line);
  if (rel) return tables.has(rel[1] ?? "");
  return false;
}

/** Run the prepared SQL into `database` with psql; every error line is collected, none stops the run. */
export async function restoreSql(server: PgServer, database: string, sql: PreparedSql, available: ReadonlySet<string>): Promise<RestoreOutcome> {
  const missing = new Set(sql.extensions.filter((e) => VECTOR_EXTENSIONS.has(e) && !available.has(e)));
  const skippable = new Set(missing.size > 0 ? sql.vectorTables : []);
  const r = await server.psql(database, ["-v", "ON_ERROR_STOP=0", "-f", "-"], { file: sql.path });
  const errorLines = r.stderr
    .split("\n")
    .filter((l) => /\b(ERROR|FATAL|PANIC):/.test(l) || /^psql: error:/.test(l) || /invalid command/.test(l))
    .map((l) => l.replace(/^psql:[^:]*:\d+:\s*/, "").trim());
  const errors = errorLines.filter((l) => !explainedByMissing(l, missing, skippable));
  if (r.code !== 0 && errors.length === 0) errors.push(firstLine(r.stderr) || `psql exited ${r.code}`);
  return { ok: errors.length === 0, errors, skippedTables: [...skippable], missingExtensions: [...missing] };
}

/** `SELECT` a JSON value and parse it; psql prints it unaligned, tuples only. */
export async function queryJson<T>(server: PgServer, database: string, sql: string): Promise<T> {
  const r = await server.psql(database, ["-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql]);
  if (r.code !== 0) throw new Error(firstLine(r.stderr.replace(/^psql:[^:]*:\d+:\s*/gm, "")) || `psql exited ${r.code}`);
  return JSON.parse(r.stdout.trim() || "null") as T;
}

/** The extensions the scratch server could create. */
export async function availableExtensions(server: PgServer, database: string): Promise<Set<string>> {
  const names = await queryJson<string[] | null>(server, database, "SELECT json_agg(name) FROM pg_available_extensions");
  return new Set(names ?? []);
}
