import { resolve } from "node:path";
import { COMPOSE_SERVICES } from "@family/immich-compose";
import { DEFAULT_IMMICH_VERSION } from "../commands/init.js";
import { CliError } from "../_errors.js";
import type { Lookup } from "./_dotenv.js";
import { type ImportDraft, toHandle, uniqueHandle } from "./_draft.js";
import type { ImportFolder } from "./_read.js";
import { type ComposeService, readComposeInstall } from "./compose-model.js";

const HWACCEL: ReadonlyMap<string, string> = new Map([
  ["nvenc", "nvenc"],
  ["quicksync", "quicksync"],
  ["vaapi", "vaapi"],
  ["rkmpp", "rkmpp"],
  ["cpu", "cpu"],
  ["vaapi-wsl", "vaapi"],
]);

/** The key of a value that is exactly one `${KEY}` (with any modifier), else undefined. */
function secretKeyOf(value: unknown): string | undefined {
  return typeof value === "string" ? /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?][^}]*)?\}$/.exec(value.trim())?.[1] : undefined;
}

const isBind = (source: string) => /^(\/|\.\.?\/|~)/.test(source);

function tagOf(image: string): string | undefined {
  const noDigest = image.split("@")[0] ?? image;
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > slash ? noDigest.slice(colon + 1) : undefined;
}

/**
 * Read a Compose deployment folder into the draft: versions, paths, uid:gid, networks, Traefik routers,
 * names. `environment` is where Compose would look up a variable `.env` does not set.
 */
export function importFromCompose(draft: ImportDraft, folder: ImportFolder, environment: Lookup): void {
  const install = readComposeInstall(folder, (what) => draft.unmap(what), environment);
  const { file, value } = install;
  const dir = folder.root;
  const find = (re: RegExp): [string, ComposeService] | undefined => {
    const s = install.services.find((x) => re.test(x.image));
    return s ? [s.name, s] : undefined;
  };
  // Relative binds are relative to the old folder; the render lives elsewhere, so keep them absolute.
  const hostPath = (p: string) => {
    return /^\.\.?\//.test(p) ? resolve(dir, p) : p;
  };
  const base = ["targets", "compose"] as const;

  if (install.name) draft.set([...base, "projectName"], value(install.name));
  draft.setDefault(["metadata", "name"], toHandle(value(install.name ?? "immich"), "immich"));

  const server = find(/immich-server/);
  if (!server) throw new CliError("bad-arguments", `${file}: no service runs the immich-server image.`);
  const [serverName, srv] = server;
  const serverEnv = srv.environment;
  const tag = tagOf(value(srv.image));
  if (tag && /^v[0-9]+\.[0-9]+\.[0-9]+$/.test(tag)) draft.set(["immich", "version"], tag);
  else draft.setDefault(["immich", "version"], DEFAULT_IMMICH_VERSION, `the server image is not pinned (${value(srv.image)}); pin the release you run`);
  if (serverEnv.get("TZ")) draft.set(["immich", "timezone"], value(serverEnv.get("TZ")));
  const names = new Map<string, string>();
  if (serverName !== COMPOSE_SERVICES.server) names.set("server", serverName);

  const media = value(serverEnv.get("IMMICH_MEDIA_LOCATION"));
  const uploadMount = srv.volumes.find((m) => m.target === (media || "/data") || m.target === "/usr/src/app/upload" || m.target === "/data");
  if (uploadMount) {
    draft.set([...base, "paths", "media"], hostPath(uploadMount.source));
    if (uploadMount.target !== "/data") draft.set(["immich", "mediaLocation"], uploadMount.target);
  } else draft.unmap(`compose: the server's media folder (no volume at /data or /usr/src/app/upload)`);
  if (srv.user) {
    const [uid, gid] = value(srv.user).split(":").map(Number);
    if (Number.isInteger(uid) && Number.isInteger(gid)) draft.set([...base, "user"], { uid, gid });
  }
  if (!draft.has([...base, "user"]))
    draft.set([...base, "user"], { uid: 0, gid: 0 }, "the server runs as root (no user:); the init step then leaves the ownership of the data as it is");
  for (const m of srv.volumes) {
    if (m.target === uploadMount?.target || !isBind(m.source)) continue;
    if (m.target === "/etc/localtime" || m.target.startsWith("/config") || m.target.startsWith("/template")) continue;
    const handle = uniqueHandle(toHandle(m.target.split("/").pop() ?? "", "library"), Object.keys((draft.get(["libraries"]) ?? {}) as object));
    draft.setDefault(["libraries", handle], { owner: "", path: m.target }, "a read-only bind of the server: an external library; set its owner");
    draft.set([...base, "libraries", handle], { hostPath: hostPath(m.source) });
  }

  const ml = find(/immich-machine-learning/);
  draft.set(["machineLearning", "enabled"], ml !== undefined);
  if (ml && ml[0] !== COMPOSE_SERVICES.machineLearning) names.set("machineLearning", ml[0]);
  const mlCache = ml ? ml[1].volumes.find((m) => m.target === "/cache") : undefined;
  // A named volume is kept by compose-adoption.ts (targets.compose.volumes).
  if (mlCache && isBind(mlCache.source)) draft.set([...base, "paths", "modelCache"], hostPath(mlCache.source));

  const redis = find(/redis|valkey/);
  if (redis) {
    if (redis[0] !== COMPOSE_SERVICES.redis) names.set("redis", redis[0]);
    const cmd = redis[1].command;
    const pass = cmd[cmd.indexOf("--requirepass") + 1];
    const key = cmd.includes("--requirepass") ? secretKeyOf(pass) : secretKeyOf(serverEnv.get("REDIS_PASSWORD"));
    if (key) draft.set(["redis", "password"], draft.secret(key, "the Redis/Valkey password (as in the old .env)"));
  }

  const db = find(/postgres|pgvecto|vectorchord/);
  if (db) {
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
    const key = secretKeyOf(dbEnv.get("POSTGRES_PASSWORD")) ?? secretKeyOf(serverEnv.get("DB_PASSWORD"));
    if (key) draft.set(["database", "password"], draft.secret(key, "the current database password (from the old .env); it cannot change without ALTER ROLE"));
    else draft.unmap("compose: the database password is written in the compose file; move it to the env file under DB_PASSWORD");
    const data = dbSvc.volumes.find((x) => x.target.startsWith("/var/lib/postgresql"));
    if (data) {
      // A named volume is kept by compose-adoption.ts (targets.compose.volumes).
      if (isBind(data.source)) draft.set([...base, "paths", "database"], hostPath(data.source));
      draft.set([...base, "paths", "databaseTarget"], data.target);
    }
  }
  if (names.size > 0) draft.set([...base, "services"], Object.fromEntries(names));

  const backup = find(/db-backup/);
  if (backup) {
    const e = (k: string) => backup[1].environment.get(k);
    const dest = backup[1].volumes.find((x) => x.target === (e("DB01_FILESYSTEM_PATH") || "/backup"));
    if (dest) draft.set([...base, "paths", "backups"], hostPath(dest.source));
    const minutes = Number(value(e("DB01_CLEANUP_TIME") || e("DEFAULT_CLEANUP_TIME") || ""));
    const enc = /^true$/i.test(value(e("DB01_ENCRYPT") || e("DEFAULT_ENCRYPT") || ""));
    const passKey = secretKeyOf(e("DB01_ENCRYPT_PASSPHRASE") ?? e("DEFAULT_ENCRYPT_PASSPHRASE"));
    draft.set([...base, "backup"], {
      enabled: true,
      ...(Number.isInteger(minutes) && minutes > 0
        ? { retention: minutes % 1440 === 0 ? `${minutes / 1440}d` : minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m` }
        : {}),
      encrypt: enc,
      ...(enc && passKey ? { passphrase: draft.secret(passKey, "the passphrase of the existing encrypted backups") } : {}),
      image: value(backup[1].image),
    });
  } else draft.set([...base, "backup", "enabled"], false);
  draft.set([...base, "metricsExporter", "enabled"], find(/postgres-exporter/) !== undefined);

  if (srv.extends) {
    const accel = HWACCEL.get(srv.extends);
    if (accel) draft.set([...base, "hwaccel"], accel);
    else draft.unmap(`compose: hardware acceleration "${srv.extends}"`);
  }

  // Networks: the Traefik-facing one is external (or named in traefik.docker.network), the backend internal.
  const labels = srv.labels;
  const nameOf = (n: { key: string; name?: string }) => value(n.name ?? n.key);
  const frontend = install.networks.find((n) => n.external || nameOf(n) === labels.get("traefik.docker.network"));
  const backend = install.networks.find((n) => n.internal);
  if (frontend) draft.set([...base, "networks"], { frontend: nameOf(frontend), frontendExternal: frontend.external });
  else draft.set([...base, "networks", "frontendExternal"], false);
  if (backend) draft.set([...base, "networks", "backend"], nameOf(backend));

  const routers = new Map<string, Map<string, string>>();
  for (const [k, v] of labels) {
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
  const mobile = list.find((r) => r !== web && hostRule(r) !== (web ? hostRule(web) : undefined));
  if (web) {
    draft.set(["hosts", "web"], hostRule(web));
    if (mobile) draft.set(["hosts", "mobile"], hostRule(mobile));
    const first = (k: string) => web.get(k)?.split(",")[0];
    draft.set([...base, "traefik"], {
      ...(first("entrypoints") ? { entrypoint: first("entrypoints") } : {}),
      ...(web.get("tls.certresolver") ? { certResolver: web.get("tls.certresolver") } : {}),
      ...(first("middlewares") ? { forwardAuth: first("middlewares") } : {}),
    });
  }
  for (const svc of install.services) {
    if ([serverName, ml?.[0], redis?.[0], db?.[0], backup?.[0], find(/postgres-exporter/)?.[0]].includes(svc.name)) continue;
    if (/immich-family|init/.test(svc.name) || /immich-family/.test(svc.image)) continue;
    draft.unmap(`compose: service "${svc.name}" (${svc.image || "no image"})`);
  }
  // Published ports, container and network names, images, schedules: compose-adoption.ts.
  if (serverEnv.get("IMMICH_CONFIG_FILE"))
    draft.unmap(`compose: the server read its settings from ${serverEnv.get("IMMICH_CONFIG_FILE")}; import them from the running server with --server`);
}
