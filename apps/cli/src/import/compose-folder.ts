import { resolve } from "node:path";
import { COMPOSE_SERVICES } from "@family/immich-compose";
import { DEFAULT_IMMICH_VERSION } from "../_new-spec.js";
import { CliError } from "../_errors.js";
import type { Lookup } from "./_dotenv.js";
import { type ImportDraft, toHandle, uniqueHandle } from "./_draft.js";
import type { ImportFolder } from "./_read.js";
import { secretKeyOf } from "./_server-environment.js";
import { type ComposeInstall, type ComposeService, readComposeInstall } from "./compose-model.js";

const HWACCEL: ReadonlyMap<string, string> = new Map([
  ["nvenc", "nvenc"],
  ["quicksync", "quicksync"],
  ["vaapi", "vaapi"],
  ["rkmpp", "rkmpp"],
  ["cpu", "cpu"],
  ["vaapi-wsl", "vaapi"],
]);

const isBind = (source: string) => /^(\/|\.\.?\/|~)/.test(source);

function tagOf(image: string): string | undefined {
  const noDigest = image.split("@")[0] ?? image;
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > slash ? noDigest.slice(colon + 1) : undefined;
}

const BASE = ["targets", "compose"] as const;

/** What every section of the Compose import reads: the draft, the typed install, its server, and the service names to keep. */
interface ComposeImport {
  readonly draft: ImportDraft;
  readonly install: ComposeInstall;
  readonly value: ComposeInstall["value"];
  readonly serverName: string;
  readonly srv: ComposeService;
  /** Service names that differ from the render's (`targets.compose.services`). */
  readonly names: Map<string, string>;
  /** The first service whose image matches, `[name, service]`. */
  readonly find: (re: RegExp) => [string, ComposeService] | undefined;
  /** A bind's host path, absolute: relative binds are relative to the old folder, and the render lives elsewhere. */
  readonly hostPath: (p: string) => string;
}

/** The server: its version, media folder, uid:gid and the read-only binds that are external libraries. */
function composeServer({ draft, value, srv, hostPath }: ComposeImport): void {
  const tag = tagOf(value(srv.image));
  if (tag && /^v[0-9]+\.[0-9]+\.[0-9]+$/.test(tag)) draft.set(["immich", "version"], tag);
  else draft.setDefault(["immich", "version"], DEFAULT_IMMICH_VERSION, `the server image is not pinned (${value(srv.image)}); pin the release you run`);
  const media = value(srv.environment.get("IMMICH_MEDIA_LOCATION"));
  const uploadMount = srv.volumes.find((m) => m.target === (media || "/data") || m.target === "/usr/src/app/upload" || m.target === "/data");
  if (uploadMount) {
    draft.set([...BASE, "paths", "media"], hostPath(uploadMount.source));
    if (uploadMount.target !== "/data") draft.set(["immich", "mediaLocation"], uploadMount.target);
  } else draft.unmap(`compose: the server's media folder (no volume at /data or /usr/src/app/upload)`);
  if (srv.user) {
    const [uid, gid] = value(srv.user).split(":").map(Number);
    if (Number.isInteger(uid) && Number.isInteger(gid)) draft.set([...BASE, "user"], { uid, gid });
  }
  if (!draft.has([...BASE, "user"]))
    draft.set([...BASE, "user"], { uid: 0, gid: 0 }, "the server runs as root (no user:); the init step then leaves the ownership of the data as it is");
  for (const m of srv.volumes) {
    if (m.target === uploadMount?.target || !isBind(m.source)) continue;
    if (m.target === "/etc/localtime" || m.target.startsWith("/config") || m.target.startsWith("/template")) continue;
    const handle = uniqueHandle(toHandle(m.target.split("/").pop() ?? "", "library"), Object.keys((draft.get(["libraries"]) ?? {}) as object));
    draft.setDefault(["libraries", handle], { owner: "", path: m.target }, "a read-only bind of the server: an external library; set its owner");
    draft.set([...BASE, "libraries", handle], { hostPath: hostPath(m.source) });
  }
}

/** Machine learning, and the Redis/Valkey service with its password's key. */
function composeMlAndRedis({ draft, find, names, hostPath }: ComposeImport): void {
  const ml = find(/immich-machine-learning/);
  draft.set(["machineLearning", "enabled"], ml !== undefined);
  if (ml && ml[0] !== COMPOSE_SERVICES.machineLearning) names.set("machineLearning", ml[0]);
  const mlCache = ml ? ml[1].volumes.find((m) => m.target === "/cache") : undefined;
  // A named volume is kept by compose-adoption.ts (targets.compose.volumes).
  if (mlCache && isBind(mlCache.source)) draft.set([...BASE, "paths", "modelCache"], hostPath(mlCache.source));
  const redis = find(/redis|valkey/);
  if (!redis) return;
  if (redis[0] !== COMPOSE_SERVICES.redis) names.set("redis", redis[0]);
  const cmd = redis[1].command;
  // The server's REDIS_PASSWORD is read through the server-environment table (compose-adoption.ts).
  const key = cmd.includes("--requirepass") ? secretKeyOf(cmd[cmd.indexOf("--requirepass") + 1]) : undefined;
  if (key) draft.set(["redis", "password"], draft.secret(key, "the Redis/Valkey password (as in the old .env)"));
}

/** The database service: its image's PostgreSQL and VectorChord versions, role, database, password's key and data folder. */
function composeDatabase({ draft, find, names, value, hostPath }: ComposeImport): void {
  const db = find(/postgres|pgvecto|vectorchord/);
  if (!db) return;
  const [dbName, dbSvc] = db;
  if (dbName !== COMPOSE_SERVICES.database) names.set("database", dbName);
  const dbEnv = dbSvc.environment;
  const m = /^([0-9]+)-vectorchord([0-9]+\.[0-9]+\.[0-9]+)/.exec(tagOf(value(dbSvc.image)) ?? "");
  if (m) {
    draft.set(["database", "postgresMajor"], Number(m[1]));
    draft.set(["database", "vectorVersion"], m[2]);
  } else draft.unmap(`compose: the database image ${value(dbSvc.image)} (not Immich's postgres image with VectorChord)`);
  if (dbEnv.get("POSTGRES_USER")) draft.set(["database", "user"], value(dbEnv.get("POSTGRES_USER")));
  if (dbEnv.get("POSTGRES_DB")) draft.set(["database", "name"], value(dbEnv.get("POSTGRES_DB")));
  // The server's DB_PASSWORD is read through the server-environment table (compose-adoption.ts).
  const key = secretKeyOf(dbEnv.get("POSTGRES_PASSWORD"));
  if (key) draft.set(["database", "password"], draft.secret(key, "the current database password (from the old .env); it cannot change without ALTER ROLE"));
  const data = dbSvc.volumes.find((x) => x.target.startsWith("/var/lib/postgresql"));
  if (data) {
    // A named volume is kept by compose-adoption.ts (targets.compose.volumes).
    if (isBind(data.source)) draft.set([...BASE, "paths", "database"], hostPath(data.source));
    draft.set([...BASE, "paths", "databaseTarget"], data.target);
  }
}

/** The db-backup service (its folder, retention, encryption), the metrics exporter, and the server's hardware acceleration. */
function composeBackupAndAccel({ draft, find, value, hostPath, srv }: ComposeImport): void {
  const backup = find(/db-backup/);
  if (backup) {
    const e = (k: string) => backup[1].environment.get(k);
    const dest = backup[1].volumes.find((x) => x.target === (e("DB01_FILESYSTEM_PATH") || "/backup"));
    if (dest) draft.set([...BASE, "paths", "backups"], hostPath(dest.source));
    const minutes = Number(value(e("DB01_CLEANUP_TIME") || e("DEFAULT_CLEANUP_TIME") || ""));
    const enc = /^true$/i.test(value(e("DB01_ENCRYPT") || e("DEFAULT_ENCRYPT") || ""));
    const passKey = secretKeyOf(e("DB01_ENCRYPT_PASSPHRASE") ?? e("DEFAULT_ENCRYPT_PASSPHRASE"));
    draft.set([...BASE, "backup"], {
      enabled: true,
      ...(Number.isInteger(minutes) && minutes > 0
        ? { retention: minutes % 1440 === 0 ? `${minutes / 1440}d` : minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m` }
        : {}),
      encrypt: enc,
      ...(enc && passKey ? { passphrase: draft.secret(passKey, "the passphrase of the existing encrypted backups") } : {}),
      image: value(backup[1].image),
    });
  } else draft.set([...BASE, "backup", "enabled"], false);
  draft.set([...BASE, "metricsExporter", "enabled"], find(/postgres-exporter/) !== undefined);
  if (srv.extends) {
    const accel = HWACCEL.get(srv.extends);
    if (accel) draft.set([...BASE, "hwaccel"], accel);
    else draft.unmap(`compose: hardware acceleration "${srv.extends}"`);
  }
}

/** Networks: the Traefik-facing one is external (or named in traefik.docker.network), the backend internal. */
function composeNetworks({ draft, install, value, srv }: ComposeImport): void {
  const nameOf = (n: { key: string; name?: string }) => value(n.name ?? n.key);
  const frontend = install.networks.find((n) => n.external || nameOf(n) === srv.labels.get("traefik.docker.network"));
  const backend = install.networks.find((n) => n.internal);
  if (frontend) draft.set([...BASE, "networks"], { frontend: nameOf(frontend), frontendExternal: frontend.external });
  else draft.set([...BASE, "networks", "frontendExternal"], false);
  if (backend) draft.set([...BASE, "networks", "backend"], nameOf(backend));
}

/** The server's Traefik routers: the web and mobile hosts, the entrypoint, certificate resolver and forward-auth middleware. */
function composeTraefik({ draft, value, srv }: ComposeImport): void {
  const routers = new Map<string, Map<string, string>>();
  for (const [k, v] of srv.labels) {
    const m = /^traefik\.http\.routers\.([^.]+)\.(.+)$/.exec(k);
    if (!m?.[1] || !m[2]) continue;
    const router = routers.get(m[1]) ?? new Map<string, string>();
    router.set(m[2], value(v));
    routers.set(m[1], router);
  }
  const hostRule = (r: ReadonlyMap<string, string>) => /Host\(`([^`]+)`\)/.exec(r.get("rule") ?? "")?.[1]?.toLowerCase();
  // A router to Traefik's no-op service only refuses (the render's refusal of the first-admin sign-up).
  const list = [...routers.values()].filter((r) => hostRule(r) && r.get("service") !== "noop@internal");
  const web = list.find((r) => r.get("middlewares")) ?? list[0];
  if (!web) return;
  const mobile = list.find((r) => r !== web && hostRule(r) !== hostRule(web));
  draft.set(["hosts", "web"], hostRule(web));
  if (mobile) draft.set(["hosts", "mobile"], hostRule(mobile));
  const first = (k: string) => web.get(k)?.split(",")[0];
  draft.set([...BASE, "traefik"], {
    ...(first("entrypoints") ? { entrypoint: first("entrypoints") } : {}),
    ...(web.get("tls.certresolver") ? { certResolver: web.get("tls.certresolver") } : {}),
    ...(first("middlewares") ? { forwardAuth: first("middlewares") } : {}),
  });
}

/** Services the import does not know, listed; and a config file the server read, which --server imports. */
function composeLeftovers({ draft, install, find, serverName, srv }: ComposeImport): void {
  const known = [
    serverName,
    ...[/immich-machine-learning/, /redis|valkey/, /postgres|pgvecto|vectorchord/, /db-backup/, /postgres-exporter/].map((re) => find(re)?.[0]),
  ];
  for (const svc of install.services) {
    if (known.includes(svc.name)) continue;
    if (/immich-family|init/.test(svc.name) || /immich-family/.test(svc.image)) continue;
    draft.unmap(`compose: service "${svc.name}" (${svc.image || "no image"})`);
  }
  // Published ports, container and network names, images, schedules, the server's environment: compose-adoption.ts.
  if (srv.environment.get("IMMICH_CONFIG_FILE"))
    draft.unmap(`compose: the server read its settings from ${srv.environment.get("IMMICH_CONFIG_FILE")}; import them from the running server with --server`);
}

/**
 * Read a Compose deployment folder into the draft: versions, paths, uid:gid, networks, Traefik routers,
 * names. `environment` is where Compose would look up a variable `.env` does not set.
 */
export function importFromCompose(draft: ImportDraft, folder: ImportFolder, environment: Lookup): void {
  const install = readComposeInstall(folder, (what) => draft.unmap(what), environment);
  const find = (re: RegExp): [string, ComposeService] | undefined => {
    const s = install.services.find((x) => re.test(x.image));
    return s ? [s.name, s] : undefined;
  };
  if (install.name) draft.set([...BASE, "projectName"], install.value(install.name));
  draft.setDefault(["metadata", "name"], toHandle(install.value(install.name ?? "immich"), "immich"));
  const server = find(/immich-server/);
  if (!server) throw new CliError("bad-arguments", `${install.file}: no service runs the immich-server image.`);
  const [serverName, srv] = server;
  const names = new Map<string, string>();
  if (serverName !== COMPOSE_SERVICES.server) names.set("server", serverName);
  const ctx: ComposeImport = {
    draft,
    install,
    value: install.value,
    serverName,
    srv,
    names,
    find,
    hostPath: (p) => (/^\.\.?\//.test(p) ? resolve(folder.root, p) : p),
  };
  composeServer(ctx);
  composeMlAndRedis(ctx);
  composeDatabase(ctx);
  if (names.size > 0) draft.set([...BASE, "services"], Object.fromEntries(names));
  composeBackupAndAccel(ctx);
  composeNetworks(ctx);
  composeTraefik(ctx);
  composeLeftovers(ctx);
}
