import { basename } from "node:path";
import { parseDocument } from "yaml";
import type { DraftObject, ImportDraft } from "./_draft.js";
import { interpolate as composeInterpolate, type Lookup, parseEnvFile } from "./_dotenv.js";
import type { ImportFolder } from "./_read.js";
import { importServerEnvironment } from "./_server-environment.js";
import { COMPOSE_FILES } from "./compose-model.js";

/**
 * A Compose install as the adoption mappings and the switch-over read it: the raw document (an old
 * folder's compose file, or a rendered compose.yaml), Compose's interpolation, and the folder's files.
 */
export interface ComposeFolder {
  /** The folder, absolute: relative binds resolve against it. */
  readonly dir: string;
  readonly doc: DraftObject;
  /** A variable as `.env` (then the environment) gives it. */
  readonly lookup: Lookup;
  /** A small regular file of the folder, or undefined (the folder's defensive reader). */
  readonly readText?: (rel: string) => string | undefined;
}

/** Compose's interpolation; a `${VAR:?message}` that is unset reads as written (the rendered file's secrets). */
export function interpolate(text: string, lookup: Lookup): string {
  try {
    return composeInterpolate(text, lookup);
  } catch {
    return text;
  }
}

/** The compose file of an import folder, as a raw document, with `.env` and `environment` for interpolation. */
export function readComposeFolder(folder: ImportFolder, environment: Lookup): ComposeFolder {
  let text: string | undefined;
  for (const rel of COMPOSE_FILES) {
    text = folder.readText(rel);
    if (text !== undefined) break;
  }
  let doc: unknown = {};
  try {
    doc = text === undefined ? {} : (parseDocument(text, { merge: true, uniqueKeys: false }).toJS({ maxAliasCount: 1000 }) ?? {});
  } catch {
    // What the typed reader accepted but this one cannot expand maps nothing more.
  }
  const envText = folder.readText(".env");
  const values = envText === undefined ? new Map<string, string>() : parseEnvFile(envText, environment).values;
  return {
    dir: folder.root,
    doc: typeof doc === "object" && !Array.isArray(doc) ? (doc as DraftObject) : {},
    lookup: (name) => (values.has(name) ? values.get(name) : environment(name)),
    readText: (rel) => folder.readText(rel),
  };
}

/** The `environment:` of a raw service, as a list or a mapping. */
export function envOf(service: DraftObject): Record<string, string> {
  const e = service?.environment;
  const out: Record<string, string> = Object.create(null);
  if (Array.isArray(e)) {
    for (const l of e) if (typeof l === "string") out[l.split("=")[0] ?? ""] = l.includes("=") ? l.slice(l.indexOf("=") + 1) : "";
  } else if (e && typeof e === "object") for (const [k, v] of Object.entries(e)) out[k] = v === null || v === undefined ? "" : String(v);
  return out;
}

/** A raw service's mounts, interpolated before they are split, short or long form. */
export function mounts(service: DraftObject, lookup: Lookup = () => undefined): { source: string; target: string; readOnly: boolean }[] {
  return ((Array.isArray(service?.volumes) ? service.volumes : []) as unknown[]).flatMap((v) => {
    if (typeof v === "string") {
      const [source = "", target = "", mode = ""] = interpolate(v, lookup).split(":");
      return target ? [{ source, target, readOnly: mode.split(",").includes("ro") }] : [];
    }
    if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      return [{ source: interpolate(String(o.source ?? ""), lookup), target: interpolate(String(o.target ?? ""), lookup), readOnly: o.read_only === true }];
    }
    return [];
  });
}

export const isBind = (source: string) => /^(\/|\.\.?\/|~)/.test(source);

/** Services of an Immich Compose install, found by image as import finds them. */
export const ROLE_IMAGES = {
  server: /immich-server/,
  machineLearning: /immich-machine-learning/,
  redis: /redis|valkey/,
  database: /^(?!.*exporter).*(postgres|pgvecto|vectorchord)/,
  backup: /db-backup/,
} as const;
export type Role = keyof typeof ROLE_IMAGES;

/** Variables of the official `.env` that only the compose file reads (paths, the version): never the server's own settings. */
const COMPOSE_ONLY = new Set([
  "UPLOAD_LOCATION",
  "DB_DATA_LOCATION",
  "IMMICH_VERSION",
  "THUMB_LOCATION",
  "ENCODED_VIDEO_LOCATION",
  "PROFILE_LOCATION",
  "BACKUP_LOCATION",
]);
const ML_SUFFIX = /-(cuda|rocm|openvino|armnn|rknn)$/;
/** A command that hands data trees to a user (a recursive chown), not one that owns a single file. */
export const CHOWNS_DATA = /chown -R|-exec chown/;

/** The Compose project name as Compose derives it: `name:`, else the folder's name, lowercased, other characters dropped. */
export function projectName(folder: ComposeFolder): string {
  const named = folder.doc.name;
  if (typeof named === "string" && named) return interpolate(named, folder.lookup);
  return basename(folder.dir)
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "");
}

/** The service of each role, `[name, service]`. */
export function roleServices(folder: ComposeFolder): Partial<Record<Role, [string, DraftObject]>> {
  const services = (folder.doc.services ?? {}) as Record<string, DraftObject>;
  const out: Partial<Record<Role, [string, DraftObject]>> = {};
  for (const role of Object.keys(ROLE_IMAGES) as Role[]) {
    const hit = Object.entries(services).find(([, s]) => s && typeof s === "object" && typeof s.image === "string" && ROLE_IMAGES[role].test(s.image));
    if (hit) out[role] = hit;
  }
  return out;
}

/**
 * The values of a service's `env_file:` files inside the folder (regular files, at most 1 MiB; others
 * are skipped), then its `environment:`, interpolated from `.env` as Compose does.
 */
export function serviceEnvironment(folder: ComposeFolder, service: DraftObject): Record<string, string> {
  const files: unknown[] = service?.env_file === undefined ? [] : Array.isArray(service.env_file) ? service.env_file : [service.env_file];
  const out: Record<string, string> = Object.create(null);
  for (const entry of files) {
    const path = entry && typeof entry === "object" ? (entry as DraftObject).path : undefined;
    const name = typeof entry === "string" ? entry : typeof path === "string" ? path : undefined;
    // Only files of the folder, read by its defensive reader (regular files, size-capped, no links out).
    const text = name ? folder.readText?.(interpolate(name, folder.lookup).replace(/^\.\//, "")) : undefined;
    if (text === undefined) continue;
    for (const [k, v] of parseEnvFile(text).values) out[k] = v;
  }
  for (const [k, v] of Object.entries(envOf(service))) out[k] = interpolate(v, folder.lookup);
  return out;
}

/** `[address, hostPort]` of each published port of a service that reaches `containerPort`. */
export function publishedPorts(folder: ComposeFolder, service: DraftObject, containerPort: number): { address: string | undefined; port: number }[] {
  const out: { address: string | undefined; port: number }[] = [];
  for (const p of (Array.isArray(service?.ports) ? service.ports : []) as unknown[]) {
    if (p && typeof p === "object") {
      const o = p as Record<string, unknown>;
      if (Number(o.target) !== containerPort) continue;
      const port = Number(interpolate(String(o.published ?? o.target), folder.lookup));
      if (Number.isInteger(port)) out.push({ address: typeof o.host_ip === "string" ? o.host_ip : undefined, port });
      continue;
    }
    const text = interpolate(String(p), folder.lookup).replace(/\/tcp$/, "");
    const m = /^(?:(\[[0-9a-fA-F:.]+\]|[0-9.]+):)?([0-9]+):([0-9]+)$/.exec(text);
    if (!m || Number(m[3]) !== containerPort) continue;
    out.push({ address: m[1]?.replace(/^\[|\]$/g, ""), port: Number(m[2]) });
  }
  return out;
}

/** The real name of a named volume of the compose file, as Docker names it. */
export function volumeRealName(folder: ComposeFolder, key: string): string {
  const v = ((folder.doc.volumes ?? {}) as Record<string, DraftObject | null>)[key];
  if (v?.name) return interpolate(String(v.name), folder.lookup);
  return v?.external ? key : `${projectName(folder)}_${key}`;
}

/** The real names of the networks a service is on (`<project>_default` when it names none). */
export function serviceNetworks(folder: ComposeFolder, service: DraftObject): { name: string; external: boolean }[] {
  if (service.network_mode) return [];
  const declared = (folder.doc.networks ?? {}) as Record<string, DraftObject | null>;
  const keys: string[] = Array.isArray(service.networks)
    ? service.networks.filter((n: unknown): n is string => typeof n === "string")
    : service.networks && typeof service.networks === "object"
      ? Object.keys(service.networks)
      : ["default"];
  return keys.map((k) => {
    const n = declared[k];
    const external = n?.external === true;
    const name = n?.name ? interpolate(String(n.name), folder.lookup) : external ? k : `${projectName(folder)}_${k}`;
    return { name, external };
  });
}

const minutesText = (n: number) => (n % 1440 === 0 ? `${n / 1440}d` : n % 60 === 0 ? `${n / 60}h` : `${n}m`);

type Base = readonly ["targets", "compose"];
const BASE: Base = ["targets", "compose"];
type Adopted = { readonly draft: ImportDraft; readonly folder: ComposeFolder; readonly roles: Partial<Record<Role, [string, DraftObject]>> };
const valueIn = (folder: ComposeFolder) => (v: unknown) => interpolate(String(v ?? ""), folder.lookup);

/** Exposure: the published address and port, exactly. */
function adoptPublished({ draft, folder }: Adopted, srv: DraftObject): void {
  const ports = publishedPorts(folder, srv, 2283);
  const first = ports[0];
  if (first) draft.set([...BASE, "publish"], { ...(first.address && first.address !== "0.0.0.0" ? { address: first.address } : {}), port: first.port });
  else if (!draft.has([...BASE, "traefik"])) draft.set([...BASE, "publish"], false);
  for (const p of ports.slice(1)) draft.unmap(`compose: the server also publishes ${p.address ? `${p.address}:` : ""}${p.port}; the render publishes one port`);
}

/** Names: the container_name of each role, and the external networks the server is on that the render does not make. */
function adoptNames({ draft, folder, roles }: Adopted, srv: DraftObject): void {
  const names: Record<string, string> = {};
  for (const role of ["server", "machineLearning", "redis", "database", "backup"] as const) {
    const s = roles[role]?.[1];
    if (s?.container_name) names[role] = valueIn(folder)(s.container_name);
  }
  if (Object.keys(names).length > 0) draft.set([...BASE, "containerNames"], names);
  const mapped = new Set([draft.get([...BASE, "networks", "frontend"]), draft.get([...BASE, "networks", "backend"])].filter(Boolean));
  const join = serviceNetworks(folder, srv)
    .filter((n) => n.external && !mapped.has(n.name))
    .map((n) => n.name);
  if (join.length > 0) draft.set([...BASE, "networks", "join"], join);
}

const digestOf = (image: string) => /@(sha256:[a-f0-9]{64})$/.exec(image)?.[1];

/** Images: digests, the ML variant and its cache volume, the database image's suffix, storage type and data volume. */
function adoptImages({ draft, folder, roles }: Adopted, srv: DraftObject): void {
  const value = valueIn(folder);
  const images: DraftObject = {};
  const serverDigest = digestOf(value(srv.image));
  if (serverDigest) images.server = { digest: serverDigest };
  const ml = roles.machineLearning?.[1];
  if (ml) {
    const image = value(ml.image);
    const tag = image.split("@")[0]?.split(":").pop() ?? "";
    const accel = ML_SUFFIX.exec(tag)?.[1];
    if (accel) draft.set(["machineLearning", "acceleration"], accel);
    const d = digestOf(image);
    if (d) images.machineLearning = { digest: d };
    const cache = mounts(ml, folder.lookup).find((m) => m.target === "/cache");
    if (cache && !isBind(value(cache.source))) draft.set([...BASE, "volumes", "modelCache"], volumeRealName(folder, value(cache.source)));
  }
  const db = roles.database?.[1];
  if (db) {
    const image = value(db.image);
    const suffix = /-vectorchord[0-9]+\.[0-9]+\.[0-9]+((?:-[a-z]+[0-9.]*)+)$/.exec(image.split("@")[0] ?? "")?.[1];
    const d = digestOf(image);
    if (suffix || d) images.database = { ...(suffix ? { suffix } : {}), ...(d ? { digest: d } : {}) };
    const storage = serviceEnvironment(folder, db).DB_STORAGE_TYPE?.toUpperCase();
    if (storage === "HDD" || storage === "SSD") draft.set([...BASE, "databaseStorage"], storage);
    const data = mounts(db, folder.lookup).find((m) => m.target.startsWith("/var/lib/postgresql"));
    if (data && !isBind(value(data.source))) draft.set([...BASE, "volumes", "database"], volumeRealName(folder, value(data.source)));
  }
  if (Object.keys(images).length > 0) draft.set([...BASE, "images"], images);
}

/** The backup's schedule: tiredofit/db-backup schedules itself unless MODE=MANUAL. */
function adoptBackupSchedule({ draft, folder, roles }: Adopted): void {
  const backup = roles.backup?.[1];
  if (!backup || !draft.has([...BASE, "backup"])) return;
  const e = serviceEnvironment(folder, backup);
  if ((e.MODE ?? "AUTO").toUpperCase() === "MANUAL") {
    draft.set([...BASE, "backup", "schedule"], { by: "host" });
    return;
  }
  const begin = e.DB01_BACKUP_BEGIN ?? e.DEFAULT_BACKUP_BEGIN ?? "+0";
  const interval = Number(e.DB01_BACKUP_INTERVAL ?? e.DEFAULT_BACKUP_INTERVAL ?? "1440");
  const schedule: DraftObject = { by: "container" };
  if (Number.isInteger(interval) && interval > 0) schedule.interval = minutesText(interval);
  if (/^([01][0-9]|2[0-3])[0-5][0-9]$/.test(begin)) schedule.begin = begin;
  draft.set([...BASE, "backup", "schedule"], schedule);
  if (!schedule.begin)
    draft.set(
      [...BASE, "backup", "schedule", "begin"],
      "0300",
      `the backup began at "${begin.replace(/[^\x20-\x7e]/g, "?")}", which the spec cannot say; the first backup now runs at 03:00`,
    );
}

/** Ownership: an install where nothing chowned keeps it that way (root installs never chown). */
function adoptOwnership({ draft, folder }: Adopted): void {
  const services = (folder.doc.services ?? {}) as Record<string, DraftObject>;
  const chowned = Object.values(services).some((s) => CHOWNS_DATA.test(JSON.stringify(s?.command ?? "")));
  const user = draft.get([...BASE, "user"]) as { uid: number; gid: number } | undefined;
  if (!chowned && user && !(user.uid === 0 && user.gid === 0))
    draft.set([...BASE, "chown"], false, "nothing in the old install chowned the data; the init step leaves ownership as it is");
}

/**
 * What an adopted Compose install depends on beyond its paths and names (compose-folder.ts): the
 * server's environment (TZ, settings, secrets' keys, through the server-environment table) and
 * /etc/localtime, published address and port, container and network names, image variants and
 * digests, named volumes, DB_STORAGE_TYPE, the backup schedule, ownership.
 */
export function importComposeAdoption(draft: ImportDraft, folder: ComposeFolder): void {
  const roles = roleServices(folder);
  const srv = roles.server?.[1];
  if (!srv) return;
  const adopted: Adopted = { draft, folder, roles };
  // TZ and the other settings from environment: or an env_file (the official layout keeps them in .env).
  importServerEnvironment(draft, serviceEnvironment(folder, srv), "compose", COMPOSE_ONLY);
  if (roles.database && !draft.has(["database", "password"]))
    draft.unmap("compose: the database password is written in the compose file; move it to the env file under DB_PASSWORD");
  if (mounts(srv, folder.lookup).some((m) => m.target === "/etc/localtime")) draft.set([...BASE, "localtime"], true);
  adoptPublished(adopted, srv);
  adoptNames(adopted, srv);
  adoptImages(adopted, srv);
  adoptBackupSchedule(adopted);
  adoptOwnership(adopted);
}

/**
 * After the server was read: a read-only bind of the Compose server that lies at or under an import
 * path of a library the server knows is that library's folder, not a library of its own. Its host
 * folder becomes the library's source (one `roots` entry per import root when the library's roots
 * share no parent but /), and the stand-in library the bind made is dropped.
 */
export function foldBindsIntoLibraries(draft: ImportDraft): void {
  const libraries = (draft.get(["libraries"]) ?? {}) as Record<string, { owner?: string; path: string; importPaths?: string[] }>;
  const sources = (draft.get(["targets", "compose", "libraries"]) ?? {}) as Record<string, { hostPath?: string }>;
  const known = Object.entries(libraries).filter(([, l]) => l.owner);
  for (const [handle, bind] of Object.entries(libraries)) {
    if (bind.owner) continue;
    const host = sources[handle]?.hostPath;
    if (!host) continue;
    const under = (p: string, root: string) => p === root || p.startsWith(root === "/" ? "/" : `${root}/`);
    const owner = known.find(([, l]) => {
      const roots = (l.importPaths ?? [l.path]).map((p) => (p.startsWith("/") ? p : `${l.path}/${p}`));
      return roots.some((r) => under(r, bind.path) || under(bind.path, r));
    });
    if (!owner) continue;
    const [target, lib] = owner;
    if (lib.path === "/" || (lib.importPaths?.length ?? 0) > 1) {
      const current = (draft.get(["targets", "compose", "libraries", target, "roots"]) ?? {}) as Record<string, string>;
      draft.set(["targets", "compose", "libraries", target], { roots: { ...current, [bind.path]: host } });
    } else if (bind.path === lib.path) draft.set(["targets", "compose", "libraries", target], { hostPath: host });
    else continue;
    delete (draft.get(["libraries"]) as Record<string, unknown>)[handle];
    delete (draft.get(["targets", "compose", "libraries"]) as Record<string, unknown>)[handle];
    for (const key of [...draft.guesses.keys()]) if (key.split("\0").includes(handle) && key.includes("libraries")) draft.guesses.delete(key);
  }
}
