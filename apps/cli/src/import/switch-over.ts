import { resolve } from "node:path";
import { buildComposeFile } from "@family/immich-compose";
import { escapeControl, type ImmichFamilySpec, isSecretEnvName, serverEnvOwner } from "@family/immich-spec";
import type { DraftObject } from "./_draft.js";
import {
  CHOWNS_DATA,
  type ComposeFolder,
  interpolate,
  isBind,
  mounts,
  publishedPorts,
  type Role,
  roleServices,
  serviceEnvironment,
  serviceNetworks,
  volumeRealName,
} from "./compose-adoption.js";

/** What a switch-over changes, by kind; `stateful` ones would point the install at other data. */
export type DifferenceKind = "data" | "cache" | "exposure" | "network" | "name" | "image" | "environment" | "schedule" | "ownership";

/** One difference between the running install and the render, with what to do about it. */
export interface Difference {
  readonly kind: DifferenceKind;
  /** The render would not use the install's data: import refuses to write without --force. */
  readonly stateful: boolean;
  readonly what: string;
  readonly todo: string;
}

/** A Compose install as the switch-over compares it: what it depends on, not how it is written. */
export interface ComposeInstallModel {
  /** Data each service mounts, by what it is ("media", "database", "library /mnt/photos"): `bind <abs path>` or `volume <name>`, with the container path. */
  readonly data: Readonly<Record<string, string>>;
  /** The model cache's mount, re-creatable. */
  readonly cache: string | undefined;
  /** Where the server is published on the host: `address:port`. */
  readonly ports: readonly string[];
  /** The real names of the server's networks. */
  readonly networks: readonly string[];
  /** Service and container name of each role. */
  readonly names: Readonly<Partial<Record<Role, string>>>;
  readonly images: Readonly<Partial<Record<Role, string>>>;
  /** The server's non-secret environment the render could differ in (TZ and settings, not connection details). */
  readonly environment: Readonly<Record<string, string>>;
  /** /etc/localtime of the host bound into the server. */
  readonly localtime: boolean;
  /** How the database backup runs: `self-scheduled …`, `once per run (a host job runs it)`, or none. */
  readonly schedule: string | undefined;
  /** What, if anything, changes the data's ownership at each start. */
  readonly ownership: string;
}

const MEDIA_TARGETS = ["/data", "/usr/src/app/upload"];
/** Mounts of the server that are neither data nor libraries. */
const isPlumbing = (target: string) => target === "/etc/localtime" || target.startsWith("/config") || target.startsWith("/template");

function source(folder: ComposeFolder, raw: string): string {
  const s = interpolate(raw, folder.lookup);
  return isBind(s) ? `bind ${resolve(folder.dir, s)}` : `volume ${volumeRealName(folder, s)}`;
}

/** The server's data: the media folder (where IMMICH_MEDIA_LOCATION points, else Immich's usual places) and its read-only library binds. */
function serverData(folder: ComposeFolder, srv: DraftObject, serverEnv: Readonly<Record<string, string>>, data: Record<string, string>): void {
  const mediaTarget = serverEnv.IMMICH_MEDIA_LOCATION || undefined;
  for (const m of mounts(srv, folder.lookup)) {
    if (isPlumbing(m.target)) continue;
    const at = `${source(folder, m.source)} at ${m.target}`;
    if (m.target === mediaTarget || (!mediaTarget && MEDIA_TARGETS.includes(m.target))) data.media = at;
    else if (m.readOnly) data[`library ${m.target}`] = `${source(folder, m.source)} (read-only)`;
  }
}

/** Postgres's data: its usual place, else where PGDATA points, else the service's first mount. */
function databaseData(folder: ComposeFolder, db: DraftObject): string | undefined {
  const pgdata = serviceEnvironment(folder, db).PGDATA;
  const dbMounts = mounts(db, folder.lookup).filter((m) => !m.target.startsWith("/docker-entrypoint") && !m.target.startsWith("/etc/"));
  const dbData =
    dbMounts.find((m) => m.target.startsWith("/var/lib/postgresql")) ??
    dbMounts.find((m) => pgdata !== undefined && (pgdata === m.target || pgdata.startsWith(`${m.target}/`))) ??
    dbMounts[0];
  return dbData ? `${source(folder, dbData.source)} at ${dbData.target}` : undefined;
}

/** The server's settings the render could differ in: TZ and every non-secret variable the render does not set itself. */
function settingsOf(serverEnv: Readonly<Record<string, string>>): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [k, v] of Object.entries(serverEnv)) {
    if (k !== "TZ" && (serverEnvOwner(k) || /^(UPLOAD_LOCATION|DB_DATA_LOCATION|IMMICH_VERSION)$/.test(k))) continue;
    if (isSecretEnvName(k) || v.includes("${")) continue;
    environment[k] = v;
  }
  return environment;
}

/** How the database backup runs: tiredofit/db-backup schedules itself unless MODE=MANUAL. */
function backupSchedule(folder: ComposeFolder, backup: DraftObject | undefined): string | undefined {
  if (!backup) return undefined;
  const e = serviceEnvironment(folder, backup);
  return (e.MODE ?? "AUTO").toUpperCase() === "MANUAL"
    ? "one dump per run: a host cron or CD job must run it"
    : `self-scheduled: from ${e.DB01_BACKUP_BEGIN ?? e.DEFAULT_BACKUP_BEGIN ?? "+0 (at start)"} every ${e.DB01_BACKUP_INTERVAL ?? e.DEFAULT_BACKUP_INTERVAL ?? "1440"} minutes`;
}

/** What changes the data's ownership at each start: services whose command chowns it. */
function ownershipOf(folder: ComposeFolder): string {
  const services = (folder.doc.services ?? {}) as Record<string, DraftObject>;
  const chowners = Object.entries(services)
    .filter(([, s]) => CHOWNS_DATA.test(JSON.stringify(s?.command ?? "")))
    .map(([name]) => name);
  return chowners.length > 0 ? `${chowners.join(", ")} chowns the data at each start` : "nothing changes the data's ownership";
}

/** The model of a Compose install: an old folder as read, or a rendered compose.yaml (`folder.doc`). */
export function composeInstallModel(folder: ComposeFolder): ComposeInstallModel {
  const roles = roleServices(folder);
  const value = (v: unknown) => interpolate(String(v ?? ""), folder.lookup);
  const data: Record<string, string> = {};
  const srv = roles.server?.[1];
  const serverEnv = srv ? serviceEnvironment(folder, srv) : {};
  if (srv) serverData(folder, srv, serverEnv, data);
  const database = roles.database ? databaseData(folder, roles.database[1]) : undefined;
  if (database) data.database = database;
  const ml = roles.machineLearning?.[1];
  const cacheMount = ml ? mounts(ml, folder.lookup).find((m) => m.target === "/cache") : undefined;
  const names: Partial<Record<Role, string>> = {};
  const images: Partial<Record<Role, string>> = {};
  for (const [role, hit] of Object.entries(roles) as [Role, [string, DraftObject]][]) {
    names[role] = `service ${hit[0]}${hit[1].container_name ? `, container ${value(hit[1].container_name)}` : ""}`;
    images[role] = value(hit[1].image);
  }
  return {
    data,
    cache: cacheMount ? source(folder, cacheMount.source) : undefined,
    ports: srv
      ? publishedPorts(folder, srv, 2283)
          .map((p) => `${p.address ?? "0.0.0.0"}:${p.port}`)
          .sort()
      : [],
    networks: srv
      ? serviceNetworks(folder, srv)
          .map((n) => n.name)
          .sort()
      : [],
    names,
    images,
    environment: settingsOf(serverEnv),
    localtime: srv ? mounts(srv, folder.lookup).some((m) => m.target === "/etc/localtime") : false,
    schedule: backupSchedule(folder, roles.backup?.[1]),
    ownership: ownershipOf(folder),
  };
}

const list = (items: readonly string[]) => (items.length === 0 ? "nothing" : items.join(", "));
const ROLE_FIELD: Record<Role, string> = {
  server: "server",
  machineLearning: "machineLearning",
  redis: "redis",
  database: "database",
  backup: "backup",
};

type Add = (kind: DifferenceKind, what: string, todo: string, stateful?: boolean) => void;

/** Data each side mounts, and the model cache. */
function compareData(before: ComposeInstallModel, after: ComposeInstallModel, add: Add): void {
  for (const key of [...new Set([...Object.keys(before.data), ...Object.keys(after.data)])].sort()) {
    const [b, a] = [before.data[key], after.data[key]];
    if (b === a) continue;
    if (b === undefined) add("data", `${key}: the render adds ${a}`, "check that this is the data you mean", false);
    else if (a === undefined)
      add("data", `${key}: the install mounts ${b}; the render does not`, "declare it in the spec (a library, or targets.compose.libraries)", true);
    else
      add(
        "data",
        `${key}: the install mounts ${b}; the render mounts ${a}`,
        key === "database"
          ? "keep the database where it is: targets.compose.paths.database / databaseTarget, or volumes.database for a named volume"
          : key === "media"
            ? "keep the media where it is: targets.compose.paths.media and immich.mediaLocation"
            : "point targets.compose.libraries at the same host folder",
        true,
      );
  }
  if (before.cache !== after.cache)
    add(
      "cache",
      `model cache: ${before.cache ?? "none"} → ${after.cache ?? "none"}`,
      "machine-learning models download again; keep it with targets.compose.volumes.modelCache or paths.modelCache",
    );
}

/** Where the server is published, and the networks it leaves and joins. */
function compareExposure(before: ComposeInstallModel, after: ComposeInstallModel, add: Add): void {
  if (before.ports.join() !== after.ports.join())
    add(
      "exposure",
      `the server is published on ${list(before.ports)}; the render publishes it on ${list(after.ports)}`,
      after.ports.some((p) => p.startsWith("0.0.0.0:")) && !before.ports.some((p) => p.startsWith("0.0.0.0:"))
        ? "the render reaches more addresses: set targets.compose.publish.address"
        : "set targets.compose.publish to keep the old address and port",
    );
  for (const n of before.networks.filter((x) => !after.networks.includes(x)))
    add(
      "network",
      `the server leaves the network ${n}`,
      `anything else on ${n} (a proxy, a backup script) loses the server: add it to targets.compose.networks.join, or move those services`,
    );
  for (const n of after.networks.filter((x) => !before.networks.includes(x)))
    add("network", `the server joins the network ${n}`, "create it first when the render marks it external");
}

/** Service and container names, and images, role by role. */
function compareNamesAndImages(before: ComposeInstallModel, after: ComposeInstallModel, add: Add): void {
  for (const role of Object.keys(ROLE_FIELD) as Role[]) {
    const [b, a] = [before.names[role], after.names[role]];
    if (b !== undefined && a !== undefined && b !== a)
      add(
        "name",
        `${role}: ${b} → ${a}`,
        "scripts and `docker exec` lines naming the old one need the new one (targets.compose.services keeps the server, machine-learning, Redis and database service names; containerNames keeps container names)",
      );
    else if (b !== undefined && a === undefined) add("name", `${role}: ${b} is not in the render`, "turn it on in the spec if you still need it");
  }
  for (const role of Object.keys(ROLE_FIELD) as Role[]) {
    const [b, a] = [before.images[role], after.images[role]];
    if (b !== undefined && a !== undefined && b !== a)
      add(
        "image",
        `${role}: ${b} → ${a}`,
        role === "database"
          ? "keep the variant (targets.compose.images.database.suffix) while the database may hold its extension"
          : "pin the release or digest you run (immich.version, targets.compose.images)",
      );
  }
}

/** The server's settings and /etc/localtime, then the backup's schedule and the data's ownership. */
function compareSettings(before: ComposeInstallModel, after: ComposeInstallModel, add: Add): void {
  for (const key of [...new Set([...Object.keys(before.environment), ...Object.keys(after.environment)])].sort()) {
    const [b, a] = [before.environment[key], after.environment[key]];
    if (b === a) continue;
    add(
      "environment",
      `server ${key}: ${b === undefined ? "unset" : JSON.stringify(b)} → ${a === undefined ? "unset" : JSON.stringify(a)}`,
      key === "TZ" ? "set immich.timezone (scheduled jobs run in this zone)" : "set it under immich.environment",
    );
  }
  if (before.localtime !== after.localtime)
    add(
      "environment",
      `/etc/localtime of the host: ${before.localtime ? "bound" : "not bound"} → ${after.localtime ? "bound" : "not bound"}`,
      "set targets.compose.localtime",
    );
  if (before.schedule !== after.schedule)
    add(
      "schedule",
      `database backup: ${before.schedule ?? "none"} → ${after.schedule ?? "none"}`,
      after.schedule?.startsWith("one dump")
        ? "add the host cron line from the rendered README, or drop schedule.by: host"
        : "check targets.compose.backup.schedule",
    );
  if (before.ownership !== after.ownership)
    add("ownership", `${before.ownership} → ${after.ownership}`, "set targets.compose.chown: false to leave ownership as it is");
}

/** Every difference between the install and the render, stateful ones first. */
export function compareInstalls(before: ComposeInstallModel, after: ComposeInstallModel): Difference[] {
  const out: Difference[] = [];
  const add: Add = (kind, what, todo, stateful = false) => out.push({ kind, stateful, what, todo });
  compareData(before, after, add);
  compareExposure(before, after, add);
  compareNamesAndImages(before, after, add);
  compareSettings(before, after, add);
  return out.sort((x, y) => Number(y.stateful) - Number(x.stateful));
}

/** The render of `spec`'s Compose target compared with the install in `folder`. */
export function composeSwitchOver(folder: ComposeFolder, spec: ImmichFamilySpec): Difference[] {
  const rendered: ComposeFolder = { dir: folder.dir, doc: buildComposeFile(spec) as unknown as DraftObject, lookup: () => undefined };
  return compareInstalls(composeInstallModel(folder), composeInstallModel(rendered));
}

/** The report as lines: one per difference with what to do, errors first. */
export function switchOverLines(source: string, differences: readonly Difference[]): string[] {
  if (differences.length === 0)
    return [`Switch-over: the render matches ${escapeControl(source)} in data, ports, networks, names, images, environment, schedules and ownership.`];
  const errors = differences.filter((d) => d.stateful).length;
  return [
    `Switch-over: the render compared with ${escapeControl(source)}: ${differences.length} difference${differences.length === 1 ? "" : "s"}${errors > 0 ? `, ${errors} on data (errors)` : ", none on data"}:`,
    ...differences.map((d) => `  ${(d.stateful ? "error" : d.kind).padEnd(11)}  ${escapeControl(d.what)}; ${d.todo}`),
  ];
}
