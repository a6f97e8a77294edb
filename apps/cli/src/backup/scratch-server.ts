import { existsSync } from "node:fs";
import { join } from "node:path";
import { type ToolOptions, type ToolResult, runTool } from "../_tool.js";

/**
 * A PostgreSQL server the drill may write to: a `--scratch-url` (the local psql and pg_restore of its
 * major version) or the Compose file's one-shot drill service (its own psql and pg_restore, through
 * `docker compose exec`). The live database is never one.
 */
export interface PgServer {
  /** How reports name it. */
  readonly label: string;
  /** psql connected to `database`, no psqlrc, quiet; `cleanup` runs even after the command was stopped (dropping the drill's database). */
  psql(database: string, args: readonly string[], input?: ToolOptions["input"], cleanup?: boolean): Promise<ToolResult>;
  /** `pg_restore -f -`: an archive (custom or tar) as a plain SQL script, into `out`. */
  archiveToSql(archive: string, out: string): Promise<ToolResult>;
}

/** The parts of a postgres:// URL as libpq's environment: the password never appears on a command line. */
export function libpqEnv(url: string): { env: Record<string, string>; database: string; shown: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error("not a URL such as postgres://user@host:5432/postgres");
  }
  if (u.protocol !== "postgres:" && u.protocol !== "postgresql:") throw new Error(`expected postgres://…, got ${u.protocol}//…`);
  const env: Record<string, string> = { PGHOST: decodeURIComponent(u.hostname.replace(/^\[|\]$/g, "")) || "localhost" };
  if (u.port) env.PGPORT = u.port;
  if (u.username) env.PGUSER = decodeURIComponent(u.username);
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  const sslmode = u.searchParams.get("sslmode");
  if (sslmode) env.PGSSLMODE = sslmode;
  const database = decodeURIComponent(u.pathname.replace(/^\//, "")) || "postgres";
  const shown = `${u.protocol}//${u.username ? `${decodeURIComponent(u.username)}@` : ""}${u.host}/${database}`;
  return { env, database, shown };
}

/** Debian keeps one folder of client binaries per major version; the PATH's psql is the fallback. */
function clientBin(major: number | undefined, tool: string): string {
  const dir = major === undefined ? undefined : `/usr/lib/postgresql/${major}/bin`;
  return dir && existsSync(join(dir, tool)) ? join(dir, tool) : tool;
}

/** A server reached by URL, with the client tools of its own major version when they are installed. */
export async function urlServer(
  url: string,
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<{ server: PgServer; maintenance: string; major: number | undefined }> {
  const { env: pg, database, shown } = libpqEnv(url);
  const runEnv: NodeJS.ProcessEnv = { ...env, ...pg, PGCONNECT_TIMEOUT: env.PGCONNECT_TIMEOUT ?? "10" };
  delete runEnv.PGDATABASE;
  const probe = await runTool("psql", ["-X", "-A", "-t", "-q", "-d", database, "-c", "SHOW server_version_num"], { env: runEnv, signal });
  const num = Number.parseInt(probe.stdout.trim(), 10);
  const major = Number.isFinite(num) ? Math.floor(num / 10000) : undefined;
  const server: PgServer = {
    label: shown,
    psql: (db, args, input, cleanup) =>
      runTool(clientBin(major, "psql"), ["-X", "-q", "-d", db, ...args], { env: runEnv, signal: cleanup ? undefined : signal, input }),
    archiveToSql: (archive, out) => runTool(clientBin(major, "pg_restore"), ["-f", out, archive], { env: runEnv, signal }),
  };
  return { server, maintenance: database, major };
}

/**
 * `docker compose` on the rendered folder: its secrets env file must be named when it is not `.env`,
 * since Compose interpolates every service's `${KEY}` even for the one service it runs.
 */
export function composeCommand(dir: string, envFile: string): string[] {
  return ["compose", "--project-directory", dir, ...(envFile === ".env" ? [] : ["--env-file", join(dir, envFile)])];
}

/** The rendered Compose file's drill service, reached through `docker compose exec` (it has no network). */
export function composeServer(dir: string, envFile: string, service: string, env: NodeJS.ProcessEnv, signal?: AbortSignal): PgServer {
  const compose = (args: readonly string[]) => [...composeCommand(dir, envFile), "--profile", "drill", ...args];
  return {
    label: `the ${service} service`,
    psql: (db, args, input) =>
      runTool("docker", compose(["exec", "-T", service, "psql", "-X", "-q", "-U", "postgres", "-d", db, ...args]), { env, signal, input }),
    archiveToSql: (archive, out) =>
      runTool("docker", compose(["exec", "-T", service, "pg_restore", "-f", "-"]), { env, signal, input: { file: archive }, stdoutFile: out }),
  };
}
