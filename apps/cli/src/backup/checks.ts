import { lstat } from "node:fs/promises";
import { type CheckResult, compareVersions, type ImmichFamilySpec, libraryName, normalizeVersion, parseVersion } from "@family/immich-spec";
import { queryJson } from "./restore.js";
import type { PgServer } from "./scratch-server.js";

/** Where a path the database stores is on this machine: a container folder and the host folder mounted there. */
export interface PathRoot {
  readonly inDatabase: string;
  readonly onDisk: string;
}

export interface CheckOptions {
  readonly spec: ImmichFamilySpec;
  /** The library folders as this machine sees them; the media folder comes from `media`. */
  readonly libraries: readonly PathRoot[];
  /** The media folder on this machine (it is mounted at the dump's `MediaLocation`). */
  readonly media: string | undefined;
  /** How many asset files to look for. */
  readonly sample: number;
  /** The live database, when it can be reached, to compare counts with. */
  readonly live?: { readonly server: PgServer; readonly database: string } | undefined;
}

interface Counts {
  users: number;
  libraries: number;
  albums: number;
  assets: number;
}

const COUNTS_SQL = `SELECT json_build_object(
  'users', (SELECT count(*) FROM "user" WHERE "deletedAt" IS NULL),
  'libraries', (SELECT count(*) FROM library WHERE "deletedAt" IS NULL),
  'albums', (SELECT count(*) FROM album WHERE "deletedAt" IS NULL),
  'assets', (SELECT count(*) FROM asset WHERE "deletedAt" IS NULL))`;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The checks that read the restored database: Immich's schema, the family's records, the files they point at. */
export async function checkDatabase(server: PgServer, database: string, o: CheckOptions): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const tables = await queryJson<Record<string, boolean>>(
    server,
    database,
    `SELECT json_object_agg(t, to_regclass('public.' || quote_ident(t)) IS NOT NULL) FROM unnest(ARRAY['kysely_migrations','version_history','user','library','album','asset','system_metadata']) AS t`,
  );
  const absent = Object.entries(tables ?? {})
    .filter(([, there]) => !there)
    .map(([t]) => t);
  if (absent.length > 0) {
    out.push({
      check: "schema",
      status: "fail",
      detail: `not an Immich database: no ${absent.join(", ")} table${absent.length === 1 ? "" : "s"}`,
      fix: `this is a dump of another database: point the backup at Immich's database (${o.spec.database.name}) and take a new one`,
    });
    return out;
  }
  out.push(await schemaCheck(server, database, o.spec, o.live));
  const counts = await queryJson<Counts>(server, database, COUNTS_SQL);
  out.push(await recordsCheck(counts, o));
  out.push(await membersCheck(server, database, o.spec));
  out.push(await librariesCheck(server, database, o.spec));
  out.push(await filesCheck(server, database, o));
  return out;
}

/** The live database's newest migration, or undefined when it cannot be read. */
async function liveMigration(live: CheckOptions["live"]): Promise<string | undefined> {
  if (!live) return undefined;
  try {
    return (await queryJson<string | null>(live.server, live.database, "SELECT to_json(max(name)) FROM kysely_migrations")) ?? undefined;
  } catch {
    return undefined;
  }
}

async function schemaCheck(server: PgServer, database: string, spec: ImmichFamilySpec, live: CheckOptions["live"]): Promise<CheckResult> {
  const s = await queryJson<{ migrations: number; latest: string | null; version: string | null }>(
    server,
    database,
    `SELECT json_build_object('migrations', (SELECT count(*) FROM kysely_migrations), 'latest', (SELECT max(name) FROM kysely_migrations),
      'version', (SELECT version FROM version_history ORDER BY "createdAt" DESC LIMIT 1))`,
  );
  const pinned = normalizeVersion(spec.immich.version).slice(1);
  if (s.migrations === 0 || !s.latest) {
    return {
      check: "schema",
      status: "fail",
      detail: "Immich's migrations table is empty",
      fix: "the dump was taken before Immich ever started: take a new backup",
    };
  }
  const at = `Immich ${s.version ?? "(no version recorded)"}, ${plural(s.migrations, "migration")}, latest ${s.latest}`;
  if (s.version !== pinned) {
    return {
      check: "schema",
      status: "fail",
      detail: `${at}; the spec pins ${pinned}`,
      fix:
        s.version && parseVersion(s.version) && compareVersions(s.version, pinned) < 0
          ? `the backup predates the move to ${pinned}: take a new backup now that the server runs ${pinned}`
          : `the backup is from a newer Immich than the spec pins: set immich.version to v${s.version ?? "?"} or restore a matching backup`,
    };
  }
  const liveLatest = await liveMigration(live);
  if (liveLatest && liveLatest !== s.latest) {
    return {
      check: "schema",
      status: "fail",
      detail: `${at}; the live database is at ${liveLatest}`,
      fix: "the live server migrated since this backup (an upgrade): take a new backup now",
    };
  }
  return { check: "schema", status: "pass", detail: liveLatest ? `${at}, as the live database` : at };
}

/** How far the live count may be ahead of the backup's: photos keep arriving after the dump. */
export function tolerance(live: number): number {
  return Math.max(5, Math.ceil(live * 0.05));
}

async function recordsCheck(counts: Counts, o: CheckOptions): Promise<CheckResult> {
  const said = `${plural(counts.users, "user")}, ${plural(counts.libraries, "library", "libraries")}, ${plural(counts.albums, "album")}, ${plural(counts.assets, "asset")}`;
  if (counts.users === 0)
    return {
      check: "records",
      status: "fail",
      detail: `${said}: no users at all`,
      fix: "the dump holds an empty Immich: back up the live database, not a fresh one",
    };
  if (!o.live) return { check: "records", status: "pass", detail: `${said} (not compared with the live database: set LIVE_DATABASE_URL to compare)` };
  let live: Counts;
  try {
    live = await queryJson<Counts>(o.live.server, o.live.database, COUNTS_SQL);
  } catch (error) {
    return { check: "records", status: "pass", detail: `${said} (the live database could not be read to compare: ${(error as Error).message})` };
  }
  const off = (Object.keys(counts) as (keyof Counts)[]).filter((k) => Math.abs(live[k] - counts[k]) > tolerance(live[k]));
  if (off.length > 0) {
    return {
      check: "records",
      status: "fail",
      detail: `${said}; the live database has ${off.map((k) => `${live[k]} ${k}`).join(", ")}`,
      fix: "the backup is far behind the live database: check that the nightly backup runs and backs up the database Immich uses",
    };
  }
  return { check: "records", status: "pass", detail: `${said}; live: ${live.users}, ${live.libraries}, ${live.albums}, ${live.assets} (within the tolerance)` };
}

/** A check that each of `wanted` (what to show, what to look for) is among `found`, or what is missing and the fix. */
function presence(
  check: string,
  wanted: readonly (readonly [shown: string, key: string])[],
  found: ReadonlySet<string>,
  what: { noun: string; by: string; fix: string },
): CheckResult {
  const missing = wanted.filter(([, key]) => !found.has(key)).map(([shown]) => shown);
  if (missing.length > 0)
    return { check, status: "fail", detail: `${missing.length} of ${wanted.length} ${what.noun} not in the backup: ${missing.join(", ")}`, fix: what.fix };
  return { check, status: "pass", detail: `${wanted.length} of ${wanted.length} ${what.noun} found by ${what.by}` };
}

async function membersCheck(server: PgServer, database: string, spec: ImmichFamilySpec): Promise<CheckResult> {
  const emails = new Set(
    ((await queryJson<string[] | null>(server, database, `SELECT json_agg(lower(email)) FROM "user" WHERE "deletedAt" IS NULL`)) ?? []).map(String),
  );
  const members = Object.entries(spec.members).map(([h, m]) => [`${h} (${m.email})`, m.email.toLowerCase()] as const);
  return presence("members", members, emails, {
    noun: "members",
    by: "email",
    fix: "the backup is of another install, or older than these members: take a new backup, or fix the members' emails in the spec",
  });
}

async function librariesCheck(server: PgServer, database: string, spec: ImmichFamilySpec): Promise<CheckResult> {
  const libs = Object.entries(spec.libraries);
  if (libs.length === 0) return { check: "libraries", status: "skip", detail: "the spec declares no external library" };
  const names = new Set(
    ((await queryJson<string[] | null>(server, database, `SELECT json_agg(name) FROM library WHERE "deletedAt" IS NULL`)) ?? []).map(String),
  );
  const wanted = libs.map(([h, l]) => libraryName(h, l)).map((n) => [n, n] as const);
  return presence("libraries", wanted, names, {
    noun: "libraries",
    by: "name",
    fix: "the backup predates these libraries or is of another install: run `immich-family scan`, then take a new backup",
  });
}

/** Map a stored path to this machine through the longest matching root. */
export function onDisk(path: string, roots: readonly PathRoot[]): string | undefined {
  let best: PathRoot | undefined;
  for (const r of roots) {
    const base = r.inDatabase.replace(/\/+$/, "");
    if ((path === base || path.startsWith(`${base}/`)) && (!best || base.length > best.inDatabase.replace(/\/+$/, "").length)) best = r;
  }
  if (!best) return undefined;
  const rest = path.slice(best.inDatabase.replace(/\/+$/, "").length);
  if (rest.split("/").includes("..")) return undefined;
  return `${best.onDisk.replace(/\/+$/, "")}${rest}`;
}

async function filesCheck(server: PgServer, database: string, o: CheckOptions): Promise<CheckResult> {
  const media = await queryJson<string | null>(server, database, `SELECT to_json(value->>'location') FROM system_metadata WHERE key = 'MediaLocation'`);
  const roots: PathRoot[] = [...o.libraries];
  const mediaInDb = media ?? o.spec.immich.mediaLocation;
  if (o.media && mediaInDb) roots.push({ inDatabase: mediaInDb, onDisk: o.media });
  const paths =
    (await queryJson<string[] | null>(
      server,
      database,
      `SELECT json_agg(p) FROM (SELECT "originalPath" AS p FROM asset WHERE "deletedAt" IS NULL ORDER BY md5(id::text) LIMIT ${Math.max(1, Math.floor(o.sample))}) s`,
    )) ?? [];
  if (paths.length === 0) return { check: "files", status: "skip", detail: "the backup holds no assets" };
  const missing: string[] = [];
  const unmapped: string[] = [];
  for (const p of paths) {
    const local = onDisk(p, roots);
    if (!local) {
      unmapped.push(p);
      continue;
    }
    const info = await lstat(local).catch(() => undefined);
    if (!info?.isFile()) missing.push(local);
  }
  if (missing.length + unmapped.length === 0) return { check: "files", status: "pass", detail: `${paths.length} of ${paths.length} sampled asset files exist` };
  const detail = [
    missing.length > 0 ? `${missing.length} of ${paths.length} sampled asset files missing, e.g. ${missing[0]}` : "",
    unmapped.length > 0 ? `${unmapped.length} under no folder the spec knows, e.g. ${unmapped[0]}` : "",
  ]
    .filter(Boolean)
    .join("; ");
  return {
    check: "files",
    status: "fail",
    detail,
    fix: "the database points at files that are not there: check that the media and library folders are mounted and complete, or that the backup belongs to this install",
  };
}
