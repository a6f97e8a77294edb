import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { COMPOSE_SERVICES } from "@family/immich-compose";
import { DEFAULT_IMMICH_VERSION } from "../commands/init.js";
import { CliError } from "../_errors.js";
import { type DraftObject, type ImportDraft, toHandle, uniqueHandle } from "./_draft.js";

const COMPOSE_FILES = ["compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"];
const HWACCEL: Record<string, string> = { nvenc: "nvenc", quicksync: "quicksync", vaapi: "vaapi", rkmpp: "rkmpp", cpu: "cpu", "vaapi-wsl": "vaapi" };

/** `KEY=value` lines of an env file (comments and blanks skipped, quotes removed). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m?.[1] || line.startsWith("#")) continue;
    let v = (m[2] ?? "").trim();
    if (/^(["']).*\1$/.test(v)) v = v.slice(1, -1);
    else v = v.replace(/\s+#.*$/, "");
    out[m[1]] = v;
  }
  return out;
}

/** Compose's `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?msg}` and `$VAR` against the env file. */
export function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_, name: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
      const key = (name ?? bare) as string;
      const value = env[key];
      if (op === ":-" && !value) return arg ?? "";
      if (op === "-" && value === undefined) return arg ?? "";
      return value ?? "";
    },
  );
}

/** The key of a value that is exactly one `${KEY}` (with any modifier), else undefined. */
function secretKeyOf(value: unknown): string | undefined {
  return typeof value === "string" ? /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?][^}]*)?\}$/.exec(value.trim())?.[1] : undefined;
}

type Service = DraftObject;

export function envOf(service: Service): Record<string, string> {
  const e = service.environment;
  if (Array.isArray(e)) return Object.fromEntries(e.map((l: string) => [l.split("=")[0], l.slice(l.indexOf("=") + 1)]));
  return Object.fromEntries(Object.entries((e ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v ?? "")]));
}

export function labelsOf(service: Service): Record<string, string> {
  const l = service.labels;
  if (Array.isArray(l)) return Object.fromEntries(l.map((x: string) => [x.split("=")[0], x.slice(x.indexOf("=") + 1)]));
  return Object.fromEntries(Object.entries((l ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

/** `source:target[:mode]` of a short volume, or the long form. */
export function mounts(service: Service): { source: string; target: string; readOnly: boolean }[] {
  return ((service.volumes ?? []) as unknown[]).flatMap((v) => {
    if (typeof v === "string") {
      const [source = "", target = "", mode = ""] = v.split(":");
      return target ? [{ source, target, readOnly: mode.split(",").includes("ro") }] : [];
    }
    if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      return [{ source: String(o.source ?? ""), target: String(o.target ?? ""), readOnly: o.read_only === true }];
    }
    return [];
  });
}

export const isBind = (source: string) => /^(\/|\.\.?\/|~)/.test(source);

export function tagOf(image: string): string | undefined {
  const noDigest = image.split("@")[0] ?? image;
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > slash ? noDigest.slice(colon + 1) : undefined;
}

/** A Compose folder as read: its compose file, the parsed document and the `.env` beside it. */
export interface ComposeFolder {
  readonly dir: string;
  readonly file: string;
  readonly doc: DraftObject;
  readonly env: Record<string, string>;
}

/** Read a Compose deployment folder: the compose file and its `.env`. */
export function readComposeFolder(dir: string): ComposeFolder {
  const file = COMPOSE_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
  if (!file) throw new CliError("bad-arguments", `No compose file in ${dir} (looked for ${COMPOSE_FILES.join(", ")}).`);
  const envPath = join(dir, ".env");
  const env = existsSync(envPath) ? parseEnvFile(readFileSync(envPath, "utf8")) : {};
  let doc: DraftObject;
  try {
    doc = (parse(readFileSync(file, "utf8")) ?? {}) as DraftObject;
  } catch (error) {
    throw new CliError("bad-arguments", `${file}: not valid YAML: ${(error as Error).message}`);
  }
  return { dir, file, doc, env };
}

/** Read a Compose deployment folder into the draft: versions, paths, uid:gid, networks, Traefik routers, names. */
export function importFromCompose(draft: ImportDraft, dir: string): void {
  const { file, doc, env } = readComposeFolder(dir);
  const services = (doc.services ?? {}) as Record<string, Service>;
  const find = (re: RegExp) => Object.entries(services).find(([, s]) => re.test(String(s.image ?? "")));
  const value = (v: unknown) => interpolate(String(v ?? ""), env);
  // Relative binds are relative to the old folder; the render lives elsewhere, so keep them absolute.
  const hostPath = (v: unknown) => {
    const p = value(v);
    return /^\.\.?\//.test(p) ? resolve(dir, p) : p;
  };
  const base = ["targets", "compose"] as const;

  if (doc.name) draft.set([...base, "projectName"], value(doc.name));
  draft.setDefault(["metadata", "name"], toHandle(value(doc.name ?? "immich"), "immich"));

  const server = find(/immich-server/);
  if (!server) throw new CliError("bad-arguments", `${file}: no service runs the immich-server image.`);
  const [serverName, srv] = server;
  const serverEnv = envOf(srv);
  const tag = tagOf(value(srv.image));
  if (tag && /^v[0-9]+\.[0-9]+\.[0-9]+$/.test(tag)) draft.set(["immich", "version"], tag);
  else draft.setDefault(["immich", "version"], DEFAULT_IMMICH_VERSION, `the server image is not pinned (${value(srv.image)}); pin the release you run`);
  if (serverEnv.TZ) draft.set(["immich", "timezone"], value(serverEnv.TZ));
  const names: Record<string, string> = {};
  if (serverName !== COMPOSE_SERVICES.server) names.server = serverName;

  const media = value(serverEnv.IMMICH_MEDIA_LOCATION || "");
  const uploadMount = mounts(srv).find((m) => m.target === (media || "/data") || m.target === "/usr/src/app/upload" || m.target === "/data");
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
  for (const m of mounts(srv)) {
    if (m.target === uploadMount?.target || !isBind(m.source)) continue;
    if (m.target === "/etc/localtime" || m.target.startsWith("/config") || m.target.startsWith("/template")) continue;
    const handle = uniqueHandle(toHandle(m.target.split("/").pop() ?? "", "library"), Object.keys((draft.get(["libraries"]) ?? {}) as object));
    draft.setDefault(["libraries", handle], { owner: "", path: m.target }, "a read-only bind of the server: an external library; set its owner");
    draft.set([...base, "libraries", handle], { hostPath: hostPath(m.source) });
  }

  const ml = find(/immich-machine-learning/);
  draft.set(["machineLearning", "enabled"], ml !== undefined);
  if (ml && ml[0] !== COMPOSE_SERVICES.machineLearning) names.machineLearning = ml[0];
  const mlCache = ml ? mounts(ml[1]).find((m) => m.target === "/cache") : undefined;
  // A named volume is kept by compose-adoption.ts (targets.compose.volumes).
  if (mlCache && isBind(mlCache.source)) draft.set([...base, "paths", "modelCache"], hostPath(mlCache.source));

  const redis = find(/redis|valkey/);
  if (redis) {
    if (redis[0] !== COMPOSE_SERVICES.redis) names.redis = redis[0];
    const cmd = Array.isArray(redis[1].command) ? (redis[1].command as string[]) : String(redis[1].command ?? "").split(/\s+/);
    const pass = cmd[cmd.indexOf("--requirepass") + 1];
    const key = cmd.includes("--requirepass") ? secretKeyOf(pass) : secretKeyOf(serverEnv.REDIS_PASSWORD);
    if (key) draft.set(["redis", "password"], draft.secret(key, "the Redis/Valkey password (as in the old .env)"));
  }

  const db = find(/postgres|pgvecto|vectorchord/);
  if (db) {
    const [dbName, dbSvc] = db;
    if (dbName !== COMPOSE_SERVICES.database) names.database = dbName;
    const dbEnv = envOf(dbSvc);
    const m = /^([0-9]+)-vectorchord([0-9]+\.[0-9]+\.[0-9]+)/.exec(tagOf(value(dbSvc.image)) ?? "");
    if (m) {
      draft.set(["database", "postgresMajor"], Number(m[1]));
      draft.set(["database", "vectorVersion"], m[2]);
    } else draft.unmap(`compose: the database image ${value(dbSvc.image)} (not Immich's postgres image with VectorChord)`);
    // Its tag suffix (-pgvectors0.2.0) and digest: compose-adoption.ts.
    if (dbEnv.POSTGRES_USER) draft.set(["database", "user"], value(dbEnv.POSTGRES_USER));
    if (dbEnv.POSTGRES_DB) draft.set(["database", "name"], value(dbEnv.POSTGRES_DB));
    const key = secretKeyOf(dbEnv.POSTGRES_PASSWORD) ?? secretKeyOf(serverEnv.DB_PASSWORD);
    if (key) draft.set(["database", "password"], draft.secret(key, "the current database password (from the old .env); it cannot change without ALTER ROLE"));
    else draft.unmap("compose: the database password is written in the compose file; move it to the env file under DB_PASSWORD");
    const data = mounts(dbSvc).find((x) => x.target.startsWith("/var/lib/postgresql"));
    if (data) {
      if (isBind(value(data.source))) draft.set([...base, "paths", "database"], hostPath(data.source));
      draft.set([...base, "paths", "databaseTarget"], data.target);
    }
  }
  if (Object.keys(names).length > 0) draft.set([...base, "services"], names);

  const backup = find(/db-backup/);
  if (backup) {
    const e = envOf(backup[1]);
    const dest = mounts(backup[1]).find((x) => x.target === (e.DB01_FILESYSTEM_PATH || "/backup"));
    if (dest) draft.set([...base, "paths", "backups"], hostPath(dest.source));
    const minutes = Number(value(e.DB01_CLEANUP_TIME || e.DEFAULT_CLEANUP_TIME || ""));
    const enc = /^true$/i.test(value(e.DB01_ENCRYPT || e.DEFAULT_ENCRYPT || ""));
    const passKey = secretKeyOf(e.DB01_ENCRYPT_PASSPHRASE ?? e.DEFAULT_ENCRYPT_PASSPHRASE);
    draft.set([...base, "backup"], {
      enabled: true,
      ...(minutes > 0 ? { retention: minutes % 1440 === 0 ? `${minutes / 1440}d` : minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m` } : {}),
      encrypt: enc,
      ...(enc && passKey ? { passphrase: draft.secret(passKey, "the passphrase of the existing encrypted backups") } : {}),
      image: value(backup[1].image),
    });
  } else draft.set([...base, "backup", "enabled"], false);
  draft.set([...base, "metricsExporter", "enabled"], find(/postgres-exporter/) !== undefined);

  const ext = srv.extends as { service?: string } | undefined;
  if (ext?.service) {
    const accel = HWACCEL[ext.service];
    if (accel) draft.set([...base, "hwaccel"], accel);
    else draft.unmap(`compose: hardware acceleration "${ext.service}"`);
  }

  // Networks: the Traefik-facing one is external (or named in traefik.docker.network), the backend internal.
  const networks = (doc.networks ?? {}) as Record<string, DraftObject | null>;
  const labels = labelsOf(srv);
  const nameOf = (key: string) => value(networks[key]?.name ?? key);
  const frontendKey = Object.keys(networks).find((k) => networks[k]?.external === true || nameOf(k) === labels["traefik.docker.network"]);
  const backendKey = Object.keys(networks).find((k) => networks[k]?.internal === true);
  if (frontendKey) draft.set([...base, "networks"], { frontend: nameOf(frontendKey), frontendExternal: networks[frontendKey]?.external === true });
  else draft.set([...base, "networks", "frontendExternal"], false);
  if (backendKey) draft.set([...base, "networks", "backend"], nameOf(backendKey));

  const routers = new Map<string, Record<string, string>>();
  for (const [k, v] of Object.entries(labels)) {
    const m = /^traefik\.http\.routers\.([^.]+)\.(.+)$/.exec(k);
    if (!m?.[1] || !m[2]) continue;
    routers.set(m[1], { ...(routers.get(m[1]) ?? {}), [m[2]]: value(v) });
  }
  const hostRule = (r: Record<string, string>) => /Host\(`([^`]+)`\)/.exec(r.rule ?? "")?.[1]?.toLowerCase();
  const list = [...routers.values()].filter((r) => hostRule(r));
  const web = list.find((r) => r.middlewares) ?? list[0];
  const mobile = list.find((r) => r !== web && hostRule(r) !== (web ? hostRule(web) : undefined));
  if (web) {
    draft.set(["hosts", "web"], hostRule(web));
    if (mobile) draft.set(["hosts", "mobile"], hostRule(mobile));
    draft.set([...base, "traefik"], {
      ...(web.entrypoints ? { entrypoint: web.entrypoints.split(",")[0] } : {}),
      ...(web["tls.certresolver"] ? { certResolver: web["tls.certresolver"] } : {}),
      ...(web.middlewares ? { forwardAuth: web.middlewares.split(",")[0] } : {}),
    });
  }
  for (const [name, svc] of Object.entries(services)) {
    if ([serverName, ml?.[0], redis?.[0], db?.[0], backup?.[0], find(/postgres-exporter/)?.[0]].includes(name)) continue;
    if (/immich-family|init/.test(name) || /immich-family/.test(String(svc.image ?? ""))) continue;
    draft.unmap(`compose: service "${name}" (${String(svc.image ?? "no image")})`);
  }
  // Published ports, container and network names, images, schedules: compose-adoption.ts.
  if (serverEnv.IMMICH_CONFIG_FILE)
    draft.unmap(`compose: the server read its settings from ${serverEnv.IMMICH_CONFIG_FILE}; import them from the running server with --server`);
}
