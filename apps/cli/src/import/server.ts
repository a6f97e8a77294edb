import { type BackContext, type ConfigObject, configReader, hostOf, isPlainObject, readConfigSettings } from "@family/immich-spec";
import {
  getAllLibraries,
  getConfig,
  getConfigDefaults,
  getMyUser,
  getPartners,
  getServerFeatures,
  getServerVersion,
  getUserPreferencesAdmin,
  isHttpError,
  PartnerDirection,
  searchUsersAdmin,
  type UserPreferencesResponseDto,
} from "@immich/sdk";
import { handleFromEmail } from "../_new-spec.js";
import { type ImportDraft, bytesToQuantity, toHandle, uniqueHandle } from "./_draft.js";
import { Shape } from "./_shape.js";

export interface ServerSource {
  /** Base URL of the API, ending in /api. */
  readonly url: string;
  readonly apiKey: string;
}

/** What the server said, for the config passthrough once the targets are known. */
export interface ServerFacts {
  readonly config: ConfigObject;
  readonly defaults: ConfigObject;
}

/** Where Immich keeps secrets in its config, and the key each becomes. */
export const CONFIG_SECRETS: readonly { path: readonly string[]; key: string; what: string }[] = [
  { path: ["oauth", "clientSecret"], key: "IMMICH_OAUTH_CLIENT_SECRET", what: "the OAuth client secret (Administration → Settings → OAuth)" },
  {
    path: ["notifications", "smtp", "transport", "password"],
    key: "IMMICH_SMTP_PASSWORD",
    what: "the SMTP password (Administration → Settings → Notifications)",
  },
];

const at = (o: unknown, path: readonly string[]): unknown => path.reduce<unknown>((n, k) => (isPlainObject(n) ? n[k] : undefined), o);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The config with every non-empty secret replaced by its `${KEY}`, each recorded in the draft. */
export function configWithPlaceholders(draft: ImportDraft, config: ConfigObject): ConfigObject {
  const out = structuredClone(config);
  for (const { path, key, what } of CONFIG_SECRETS) {
    const parent = at(out, path.slice(0, -1));
    const leaf = path[path.length - 1] as string;
    if (isPlainObject(parent) && typeof parent[leaf] === "string" && parent[leaf] !== "") parent[leaf] = draft.secret(key, what);
  }
  return out;
}

/** The longest common folder of absolute paths. */
function commonFolder(paths: readonly string[]): string {
  const split = paths.map((p) => p.replace(/\/+$/, "").split("/"));
  const first = split[0] ?? [""];
  let n = first.length;
  for (const s of split) {
    let i = 0;
    while (i < n && s[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n).join("/") || "/";
}

/** Why a read the import can do without failed, in a few words (the server's status, or the error's message). */
function unreadable(error: unknown): string {
  return isHttpError(error) ? `the server answered ${error.status}` : (error as Error).message;
}

/** A storage label the spec can hold (the folder name rule of `members.<h>.storageLabel`). */
const STORAGE_LABEL_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The preferences the spec keeps (`members.<h>.preferences`) that differ from Immich's own defaults (folders and tags off, memories and people on). */
function memberPreferences(shape: Shape, p: UserPreferencesResponseDto): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const [section, usual] of [
    ["folders", false],
    ["tags", false],
    ["memories", true],
    ["people", true],
  ] as const) {
    const enabled = shape.boolean(p, [section, "enabled"]);
    if (enabled !== undefined && enabled !== usual) out[section] = enabled;
  }
  return out;
}

/** What the sections of a server import share: the draft, the SDK's options, a reader of answers, the config and its defaults. */
interface ServerImport {
  readonly draft: ImportDraft;
  readonly opts: { baseUrl: string; headers: Record<string, string> };
  readonly shape: Shape;
  readonly cfg: ConfigObject;
  readonly def: ConfigObject;
}

/** In config-file mode the settings read are the file's, and the web UI cannot change them: say so. */
async function noteConfigFileMode({ draft, opts }: ServerImport): Promise<void> {
  const features = await getServerFeatures(opts).catch((error: unknown) => {
    draft.unmap(`whether the server runs from a config file (GET /server/features): ${unreadable(error)}`);
    return undefined;
  });
  if (features?.configFile === true)
    draft.unmap(
      "the server runs from a config file (IMMICH_CONFIG_FILE): the settings read are that file's (the web UI cannot change them); after the switch-over the server reads the rendered config instead of that file, so change settings in the spec, not in the old file",
    );
}

/** Each active user as a member (name, email, admin, quota, storage label, preferences); the map from user id to handle. */
async function importMembers({ draft, opts, shape }: ServerImport, users: unknown): Promise<Map<string, string>> {
  const memberOf = new Map<string, string>();
  for (const [i, raw] of (shape.list(users) ?? []).entries()) {
    // The server's answer is checked like a file's: a user without text id, name and email is listed, not read.
    const at = shape.in("users").in(i);
    const u = at.mapping(raw);
    if (!u || u.deletedAt) continue;
    const [id, name, email] = [at.text(u, ["id"]), at.text(u, ["name"]), at.text(u, ["email"])];
    if (id === undefined || name === undefined || email === undefined) continue;
    const quota = at.number(u, ["quotaSizeInBytes"]);
    const handle = uniqueHandle(handleFromEmail(email), memberOf.values());
    memberOf.set(id, handle);
    const label = at.text(u, ["storageLabel"]);
    if (label && !STORAGE_LABEL_RE.test(label)) draft.unmap(`the storage label of ${email} (${JSON.stringify(label)}): not a folder name the spec accepts`);
    const prefs = await getUserPreferencesAdmin({ id }, opts).then(
      (p) => memberPreferences(shape.in("preferences").in(i), p),
      (error: unknown) => {
        draft.unmap(`the preferences of ${email}: ${unreadable(error)}`);
        return {};
      },
    );
    draft.set(["members", handle], {
      name,
      email,
      ...(u.isAdmin === true ? { admin: true } : {}),
      ...(quota === undefined ? {} : { quota: bytesToQuantity(quota) }),
      ...(label && STORAGE_LABEL_RE.test(label) ? { storageLabel: label } : {}),
      ...(Object.keys(prefs).length > 0 ? { preferences: prefs } : {}),
    });
  }
  return memberOf;
}

/** Partner shares are the sharing user's to read: the key's own user's come back; the others' cannot be seen with it. */
async function importPartners({ draft, opts, shape }: ServerImport, memberOf: ReadonlyMap<string, string>): Promise<void> {
  const [me, shared] = await Promise.all([getMyUser(opts), getPartners({ direction: PartnerDirection.SharedBy }, opts)]).catch((error: unknown) => {
    draft.unmap(`the key user's partner shares: ${unreadable(error)}`);
    return [undefined, []] as const;
  });
  const myId = shape.in("me").text(me, ["id"]);
  const mine = (shape.in("partners").list(shared) ?? [])
    .map((_, i) => memberOf.get(shape.in("partners").text(shared, [i, "id"]) ?? ""))
    .filter((h): h is string => h !== undefined);
  const myHandle = memberOf.get(myId ?? "");
  if (myHandle && mine.length > 0) draft.set(["members", myHandle, "partners"], mine);
  if (memberOf.size > 1)
    draft.unmap(
      `partner shares made by members other than ${myHandle ?? "the key's user"} (an admin's key reads only its own user's): add members.<handle>.partners by hand`,
    );
}

/** Each external library: owner, folder (the common parent of its import paths), exclusions; the libraries read, by handle. */
function importLibraries({ draft, shape }: ServerImport, libraries: unknown, memberOf: ReadonlyMap<string, string>): Record<string, object> {
  const taken: string[] = [];
  const read: Record<string, object> = {};
  for (const [i, raw] of (shape.list(libraries) ?? []).entries()) {
    const at = shape.in("libraries").in(i);
    const strings = (key: string) => (at.list(raw, [key]) ?? []).flatMap((_, j) => at.text(raw, [key, j]) ?? []);
    const lib = { name: at.text(raw, ["name"]) ?? "", ownerId: at.text(raw, ["ownerId"]) ?? "", importPaths: strings("importPaths") };
    const exclusionPatterns = strings("exclusionPatterns");
    const owner = memberOf.get(lib.ownerId);
    if (!owner || lib.importPaths.length === 0) {
      draft.unmap(`library "${lib.name}": ${owner ? "it has no import paths" : "its owner is not an active user"}`);
      continue;
    }
    const path = lib.importPaths.length === 1 ? (lib.importPaths[0] as string).replace(/\/+$/, "") || "/" : commonFolder(lib.importPaths);
    const handle = uniqueHandle(toHandle(path.split("/").pop() ?? "", toHandle(lib.name, "library")), taken);
    taken.push(handle);
    const rel = lib.importPaths.length === 1 ? undefined : lib.importPaths.map((p) => (p.startsWith(`${path}/`) ? p.slice(path.length + 1) : p));
    read[handle] = {
      ...(lib.name === handle ? {} : { name: lib.name }),
      owner,
      path,
      ...(rel ? { importPaths: rel } : {}),
      ...(exclusionPatterns.length > 0 ? { exclusionPatterns } : {}),
    };
    draft.set(["libraries", handle], read[handle]);
  }
  return read;
}

/** Set a value read from the server; into a mapping already drafted, key by key (what other sources found there stays, with its guesses). */
function setFound(draft: ImportDraft, path: readonly string[], value: unknown): void {
  const current = draft.get(path);
  if (isPlainObject(value) && isPlainObject(current)) for (const [k, v] of Object.entries(value)) setFound(draft, [...path, k], v);
  else draft.set(path, value);
}

/** Every setting of the config-key table the server's config gives; without an external domain, the web host is --server's. */
function importSettings({ draft, cfg, def }: ServerImport, url: string, libraries: Record<string, object>): void {
  draft.setDefault(["hosts", "web"], hostOf(url) ?? "photos.example.com", "the server has no external domain; the host of --server");
  // The libraries the settings read are the server's own (a folder's that the server lacks are not its to scan).
  const back: BackContext = {
    get: (path) => (path[0] === "libraries" ? at({ libraries }, path) : draft.get(path)),
    secret: (key, what) => draft.secret(key, what),
  };
  for (const [path, value] of readConfigSettings(configReader(cfg, def), back)) setFound(draft, path, value);
}

/** Read a running server into the draft: version, members, libraries, login and the settings it changed. */
export async function importFromServer(draft: ImportDraft, source: ServerSource): Promise<ServerFacts> {
  const opts = { baseUrl: source.url, headers: { "x-api-key": source.apiKey } };
  const v = await getServerVersion(opts);
  draft.set(["immich", "version"], `v${v.major}.${v.minor}.${v.patch}`);
  const [users, libraries, config, defaults] = await Promise.all([searchUsersAdmin({}, opts), getAllLibraries(opts), getConfig(opts), getConfigDefaults(opts)]);
  const ctx: ServerImport = {
    draft,
    opts,
    shape: new Shape((what) => draft.unmap(what), "server"),
    cfg: config as unknown as ConfigObject,
    def: defaults as unknown as ConfigObject,
  };
  await noteConfigFileMode(ctx);
  const memberOf = await importMembers(ctx, users);
  await importPartners(ctx, memberOf);
  importSettings(ctx, source.url, importLibraries(ctx, libraries, memberOf));
  return { config: ctx.cfg, defaults: ctx.def };
}

/**
 * Every leaf where `actual` differs from what the spec renders (`rendered`, already merged over the
 * defaults), in Immich's shape: what `immich.config` must add so the rendered file gives `actual`.
 */
export function configDifference(actual: ConfigObject, rendered: ConfigObject): ConfigObject | undefined {
  const out: ConfigObject = {};
  for (const [k, v] of Object.entries(actual)) {
    const r = rendered[k];
    if (isPlainObject(v) && isPlainObject(r)) {
      const sub = configDifference(v, r);
      if (sub) out[k] = sub;
    } else if (!same(v, r)) out[k] = structuredClone(v);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
