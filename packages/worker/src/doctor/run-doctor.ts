import { access, constants, readdir, stat } from "node:fs/promises";
import {
  buildImmichConfig,
  type Check,
  type CheckReport,
  type CheckResult,
  checkReport,
  type ConfigObject,
  errorMessage,
  type ImmichFamilySpec,
  isPlainObject,
  type Library,
  libraryImportPaths,
  lineOf,
  mergeConfig,
  runChecks,
  supportedLines,
} from "@family/immich-spec";
import {
  getAllLibraries,
  getConfig,
  getConfigDefaults,
  getMyApiKey,
  getMyUser,
  getServerConfig,
  getServerVersion,
  type LibraryResponseDto,
  pingServer,
  searchUsers,
  searchUsersAdmin,
  signUpAdmin,
  type UserAdminResponseDto,
  validate,
} from "@immich/sdk";
import { ImmichApiError } from "../client/api-error.js";
import { ImmichClient } from "../client/immich-client.js";
import { desiredMembers } from "../members/desired.js";
import { albumKeyPermissions, grants, memberKeyPermissions, type PermissionNeed, workerKeyPermissions } from "./required-permissions.js";

/** Every doctor line in order; `ok` when none failed. */
export interface DoctorReport extends CheckReport {
  readonly checks: readonly CheckResult[];
  /** Where each key the server rejected (401) came from (an env var's name or a key file): the user must fix them. */
  readonly rejectedKeys: readonly string[];
}

/** What `runDoctor` checks: the spec against the server at `url`, with the worker's and the members' keys. */
export interface DoctorOptions {
  readonly spec: ImmichFamilySpec;
  readonly url: string;
  /** The worker's admin key. */
  readonly apiKey: string;
  /** Where the worker's key came from (an env var's name or a key file), for messages. @default the spec's worker.apiKey */
  readonly keyName?: string;
  /** For the members' own keys (the env vars the spec names). */
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

interface KeyInfo {
  readonly user: UserAdminResponseDto;
  /** undefined when the server cannot tell (no `GET /api-keys/me`). */
  readonly permissions: readonly string[] | undefined;
}

async function inspectKey(client: ImmichClient): Promise<KeyInfo> {
  const user = await client.call("read the key's user", (o) => getMyUser(o));
  try {
    const key = await client.call("read the key's permissions", (o) => getMyApiKey(o));
    return { user, permissions: key.permissions };
  } catch (error) {
    if (error instanceof ImmichApiError && (error.kind === "not-found" || error.kind === "bad-request")) return { user, permissions: undefined };
    throw error;
  }
}

function permissionCheck(label: string, key: KeyInfo, needs: readonly PermissionNeed[]): CheckResult {
  if (needs.length === 0) return { check: `${label} permissions`, status: "skip", detail: "no configured feature needs this key" };
  if (!key.permissions)
    return {
      check: `${label} permissions`,
      status: "warn",
      detail: "this server does not tell a key its permissions (GET /api-keys/me); check them in Account Settings > API Keys",
    };
  const missing = [...new Map(needs.filter((n) => !grants(key.permissions!, n.permission)).map((n) => [n.permission, n])).values()];
  return missing.length === 0
    ? { check: `${label} permissions`, status: "pass", detail: `has all ${new Set(needs.map((n) => n.permission)).size} needed` }
    : { check: `${label} permissions`, status: "fail", detail: `missing ${missing.map((n) => `${n.permission} (${n.for})`).join(", ")}` };
}

/** What the checks of a reachable server share: the spec, the options, a client per key, the worker key's client. */
interface ServerContext {
  readonly spec: ImmichFamilySpec;
  readonly options: DoctorOptions;
  readonly client: (apiKey: string, keyName?: string) => ImmichClient;
  /** Keys the server rejected (401), by where they came from. */
  readonly rejected: Set<string>;
  readonly admin: ImmichClient;
}

/** What the checks after the worker key share: also that key's user and permissions. */
interface DoctorContext extends ServerContext {
  readonly key: KeyInfo;
  /** Every user's email (lower case) when the worker key is an admin's; undefined when it cannot list them. */
  readonly adminUsers: readonly string[] | undefined;
}

async function serverVersion({ spec, admin }: ServerContext): Promise<CheckResult[]> {
  const v = await admin.call("read the version", (o) => getServerVersion(o));
  const version = `v${v.major}.${v.minor}.${v.patch}`;
  const line = lineOf(version);
  const pinned = spec.immich.version;
  const sameLine = line === lineOf(pinned);
  return [
    {
      check: "server version",
      status: !line ? "fail" : sameLine ? "pass" : "warn",
      detail: !line
        ? `${version} is not supported (${supportedLines("or")})`
        : sameLine
          ? `${version} (spec pins ${pinned})`
          : `${version}, but the spec pins ${pinned}: render for the server's line`,
    },
  ];
}

async function workerKeyIsAdmin({ spec, key }: DoctorContext): Promise<CheckResult[]> {
  const hasLibraries = Object.keys(spec.libraries).length > 0;
  return [
    !hasLibraries
      ? { check: "worker key is admin", status: "skip", detail: "no libraries declared" }
      : key.user.isAdmin
        ? { check: "worker key is admin", status: "pass", detail: `${key.user.email} is an admin (library endpoints are admin-only)` }
        : { check: "worker key is admin", status: "fail", detail: `${key.user.email} is not an admin; library endpoints are admin-only: use an admin's key` },
  ];
}

async function workerKeyPermissionsCheck({ spec, key }: DoctorContext): Promise<CheckResult[]> {
  return [permissionCheck("worker key", key, [...workerKeyPermissions(spec), ...memberKeyPermissions(spec)])];
}

/** Whether `owner` sees the members its albums are shared with in `GET /users`. */
async function shareTargetsCheck(ctx: DoctorContext, owner: string, handles: readonly string[], ownerClient: ImmichClient): Promise<CheckResult | undefined> {
  const { spec, adminUsers } = ctx;
  const targets = new Set<string>();
  for (const h of handles) for (const s of spec.libraries[h]?.albums?.shareWith ?? []) if (s.member !== owner) targets.add(s.member);
  if (targets.size === 0) return undefined;
  try {
    const seen = new Set((await ownerClient.call("list users", (o) => searchUsers(o))).map((u) => u.email.toLowerCase()));
    const unseen = [...targets].filter((t) => !seen.has(spec.members[t]?.email.toLowerCase() ?? ""));
    return unseen.length === 0
      ? { check: `${owner} sees share targets`, status: "pass", detail: `GET /users lists ${[...targets].join(", ")}` }
      : {
          check: `${owner} sees share targets`,
          status: "fail",
          detail:
            `GET /users with ${owner}'s key does not list ${unseen.map((t) => `${t} (${spec.members[t]?.email})`).join(", ")}` +
            (!adminUsers
              ? ": non-admins only see themselves unless server.publicUsers is on; turn it on, or create these users"
              : unseen.every((t) => adminUsers.includes(spec.members[t]?.email.toLowerCase() ?? ""))
                ? ": they exist, but non-admins only see themselves; turn on server.publicUsers"
                : ": create these users (or have them log in once with OAuth)"),
        };
  } catch (error) {
    return { check: `${owner} sees share targets`, status: "fail", detail: errorMessage(error) };
  }
}

/** One album owner: its key (the member's own, or the worker's when the owner is its user), that key's permissions, the share targets it sees. */
async function albumOwnerChecks(ctx: DoctorContext, owner: string, handles: readonly string[]): Promise<CheckResult[]> {
  const { spec, options, admin, key } = ctx;
  const member = spec.members[owner];
  if (!member) return [];
  const out: CheckResult[] = [];
  const ownKey = member.apiKey ? options.env[member.apiKey.key] : undefined;
  let ownerKey: KeyInfo;
  let ownerClient: ImmichClient;
  if (ownKey) {
    ownerClient = ctx.client(ownKey, member.apiKey?.key);
    try {
      ownerKey = await inspectKey(ownerClient);
    } catch (error) {
      if (isRejected(error) && member.apiKey) ctx.rejected.add(member.apiKey.key);
      return [{ check: `${owner}'s API key`, status: "fail", detail: errorMessage(error) }];
    }
    if (ownerKey.user.email.toLowerCase() !== member.email.toLowerCase()) {
      return [{ check: `${owner}'s API key`, status: "fail", detail: `belongs to ${ownerKey.user.email}, not ${member.email}` }];
    }
    out.push({ check: `${owner}'s API key`, status: "pass", detail: `belongs to ${member.email}` });
  } else if (key.user.email.toLowerCase() === member.email.toLowerCase()) {
    ownerClient = admin;
    ownerKey = key;
  } else {
    return [
      {
        check: `${owner}'s API key`,
        status: "fail",
        detail: member.apiKey
          ? `${member.apiKey.key} is not set; albums of ${handles.join(", ")} belong to ${member.email}`
          : `albums of ${handles.join(", ")} belong to ${member.email}: give ${owner} an apiKey in the spec`,
      },
    ];
  }
  out.push(permissionCheck(`${owner}'s key`, ownerKey, albumKeyPermissions(spec, handles)));
  const shares = await shareTargetsCheck(ctx, owner, handles, ownerClient);
  if (shares) out.push(shares);
  return out;
}

/** Each library's albums are built with its owner's key. */
async function albumOwners(ctx: DoctorContext): Promise<CheckResult[]> {
  const byOwner = new Map<string, string[]>();
  for (const [handle, lib] of Object.entries(ctx.spec.libraries)) if (lib.albums) byOwner.set(lib.owner, [...(byOwner.get(lib.owner) ?? []), handle]);
  const out: CheckResult[] = [];
  for (const [owner, handles] of byOwner) out.push(...(await albumOwnerChecks(ctx, owner, handles)));
  return out;
}

async function libraryOwnersExist({ spec, adminUsers }: DoctorContext): Promise<CheckResult[]> {
  if (!adminUsers) return [];
  const owners = [...new Set(Object.values(spec.libraries).map((l) => l.owner))];
  const missing = owners.filter((o) => !adminUsers.includes(spec.members[o]?.email.toLowerCase() ?? ""));
  return [
    owners.length === 0
      ? { check: "library owners exist", status: "skip", detail: "no libraries declared" }
      : missing.length === 0
        ? { check: "library owners exist", status: "pass", detail: owners.join(", ") }
        : { check: "library owners exist", status: "fail", detail: `no Immich user for ${missing.map((o) => `${o} (${spec.members[o]?.email})`).join(", ")}` },
  ];
}

/** The server's own check of a library's import paths (`POST /libraries/{id}/validate`), when it has the library and the key may ask. */
async function readableByImmich(
  { admin, key }: DoctorContext,
  handle: string,
  lib: Library,
  onServer: LibraryResponseDto | undefined,
): Promise<CheckResult | undefined> {
  const check = `library ${handle} readable by Immich`;
  if (!onServer) return undefined;
  if (key.permissions && !grants(key.permissions, "all")) {
    return {
      check,
      status: "skip",
      detail: "the server checks import paths (POST /libraries/{id}/validate) only for a key with the all permission; the paths are checked from here below",
    };
  }
  try {
    const result = await admin.call("validate library", (o) => validate({ id: onServer.id, validateLibraryDto: { importPaths: libraryImportPaths(lib) } }, o));
    const invalid = (result.importPaths ?? []).filter((p) => !p.isValid);
    return invalid.length === 0
      ? { check, status: "pass", detail: "the server validated every import path" }
      : { check, status: "fail", detail: invalid.map((p) => `${p.importPath}: ${p.message ?? "invalid"}`).join("; ") };
  } catch (error) {
    return { check, status: "warn", detail: errorMessage(error) };
  }
}

/** The worker reads the library's folders at the same paths as Immich: each exists, is a readable directory, and is not empty. */
async function readableHere(handle: string, lib: Library): Promise<CheckResult> {
  const problems: string[] = [];
  const empty: string[] = [];
  for (const path of libraryImportPaths(lib)) {
    try {
      if (!(await stat(path)).isDirectory()) {
        problems.push(`${path} is not a directory`);
        continue;
      }
      await access(path, constants.R_OK | constants.X_OK);
      if ((await readdir(path)).length === 0) empty.push(path);
    } catch (error) {
      problems.push(`${path}: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`);
    }
  }
  if (problems.length === 0 && empty.length > 0)
    return {
      check: `library ${handle} readable here`,
      status: "warn",
      detail: `${empty.join(", ")} ${empty.length === 1 ? "is" : "are"} empty: a new library, or a share that is not mounted here?`,
    };
  return problems.length === 0
    ? { check: `library ${handle} readable here`, status: "pass", detail: libraryImportPaths(lib).join(", ") }
    : {
        check: `library ${handle} readable here`,
        status: "fail",
        detail: `${problems.join("; ")} — the worker must see the library at the same path as Immich`,
      };
}

async function libraries(ctx: DoctorContext): Promise<CheckResult[]> {
  const { key, admin } = ctx;
  let serverLibraries: LibraryResponseDto[] = [];
  if (key.user.isAdmin && (!key.permissions || grants(key.permissions, "library.read"))) {
    serverLibraries = await admin.call("list libraries", (o) => getAllLibraries(o)).catch(() => []);
  }
  const out: CheckResult[] = [];
  for (const [handle, lib] of Object.entries(ctx.spec.libraries)) {
    const byServer = await readableByImmich(
      ctx,
      handle,
      lib,
      serverLibraries.find((l) => l.name === (lib.name ?? handle)),
    );
    if (byServer) out.push(byServer);
    out.push(await readableHere(handle, lib));
  }
  return out;
}

/** Every leaf of a config as `dotted.key → value` (arrays are leaves). */
function flatten(config: ConfigObject, prefix = ""): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(config)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isPlainObject(v)) for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
    else out.set(key, v);
  }
  return out;
}

const PLACEHOLDER = /^\$\{[A-Z_][A-Z0-9_]*\}$/;

/**
 * The live server config (`GET /system-config`) against the config file the spec renders, merged over
 * the server's defaults as Immich merges it: each key that differs. Secrets are placeholders in the
 * render and are not compared. A warning: the rendered file replaces the stored config at the next start.
 */
async function serverConfigMatches(ctx: DoctorContext): Promise<CheckResult[]> {
  const check = "server config matches the spec";
  const { key, admin, spec } = ctx;
  if (!key.user.isAdmin || (key.permissions && !grants(key.permissions, "systemConfig.read")))
    return [{ check, status: "skip", detail: "reading the server config needs an admin key with systemConfig.read" }];
  const [live, defaults] = await Promise.all([
    admin.call("read the server config", (o) => getConfig(o)),
    admin.call("read the config defaults", (o) => getConfigDefaults(o)),
  ]);
  const target = spec.targets.kubernetes ? "kubernetes" : "compose";
  const rendered = flatten(mergeConfig(defaults as unknown as ConfigObject, buildImmichConfig(spec, target) as ConfigObject));
  const actual = flatten(live as unknown as ConfigObject);
  const differing: string[] = [];
  for (const [k, want] of rendered) {
    if (typeof want === "string" && PLACEHOLDER.test(want)) continue;
    const have = actual.get(k);
    if (JSON.stringify(have) !== JSON.stringify(want)) differing.push(`${k}: server ${JSON.stringify(have)}, spec ${JSON.stringify(want)}`);
  }
  return differing.length === 0
    ? [{ check, status: "pass", detail: `${rendered.size} keys the same` }]
    : [
        {
          check,
          status: "warn",
          detail: `${differing.length} key${differing.length === 1 ? "" : "s"} differ (the rendered config replaces the server's at its next start): ${differing.join("; ")}`,
        },
      ];
}

/** The server answered 401: the key is wrong, not the server. */
const isRejected = (error: unknown) => (error as { kind?: unknown }).kind === "auth";
/**
 * Whether someone could still make themselves admin: a server with no admin is open to whoever reaches
 * it; on one with an admin, a sign-up with a made-up account asks whether `IMMICH_ALLOW_SETUP` is on
 * (the server answers "already has an admin" then, "setup is disabled" when it is off) and creates nothing.
 */
async function adminSetup({ admin }: ServerContext): Promise<CheckResult[]> {
  const check = "admin sign-up closed";
  const config = await admin.call("read the server's state", (o) => getServerConfig(o));
  if (!config.isInitialized)
    return [
      { check, status: "fail", detail: "the server has no admin: whoever reaches /api/auth/admin-sign-up first becomes it; run `immich-family bootstrap` now" },
    ];
  try {
    await admin.once("probe admin sign-up", (o) =>
      signUpAdmin({ signUpDto: { email: "doctor-probe@immich-family.invalid", name: "immich-family doctor", password: "not-a-password" } }, o),
    );
    return [{ check, status: "fail", detail: "the server accepted an admin sign-up although it has an admin: remove doctor-probe@immich-family.invalid" }];
  } catch (error) {
    const message = error instanceof ImmichApiError ? error.message : errorMessage(error);
    if (/setup is disabled/i.test(message)) return [{ check, status: "pass", detail: "IMMICH_ALLOW_SETUP=false: no one can sign up as admin" }];
    if (/already has an admin/.test(message))
      return [
        {
          check,
          status: "warn",
          detail:
            "setup is still allowed (IMMICH_ALLOW_SETUP is not false): should the last admin be deleted, whoever reaches /api/auth/admin-sign-up becomes admin; set IMMICH_ALLOW_SETUP=false on the server",
        },
      ];
    if (error instanceof ImmichApiError && (error.kind === "not-found" || error.kind === "forbidden"))
      return [{ check, status: "pass", detail: `this address does not route /api/auth/admin-sign-up (HTTP ${error.status})` }];
    return [{ check, status: "warn", detail: message }];
  }
}

/** Each declared member against their account: it exists, and its admin flag and quota are the spec's. */
async function members({ spec, admin, key }: DoctorContext): Promise<CheckResult[]> {
  if (!key.user.isAdmin || (key.permissions && !grants(key.permissions, "adminUser.read")))
    return [{ check: "members", status: "skip", detail: "the worker key cannot list accounts (needs an admin's key with adminUser.read)" }];
  const users = await admin.call("list accounts", (o) => searchUsersAdmin({}, o));
  const byEmail = new Map(users.map((u) => [u.email.toLowerCase(), u]));
  const fix = "`immich-family members sync` (the worker does it on its interval)";
  return desiredMembers(spec).map((d) => {
    const check = `member ${d.handle}`;
    const user = byEmail.get(d.email.toLowerCase());
    if (!user) return { check, status: "fail", detail: `no account for ${d.email}; ${fix} creates it` };
    const differs: string[] = [];
    if (user.isAdmin !== d.isAdmin) differs.push(d.isAdmin ? "is not an admin, the spec says admin" : "is an admin, the spec says not");
    if ((user.quotaSizeInBytes ?? null) !== d.quotaSizeInBytes)
      differs.push(`quota ${user.quotaSizeInBytes ?? "unlimited"} bytes, the spec says ${d.quotaSizeInBytes ?? "unlimited"}`);
    return differs.length === 0
      ? { check, status: "pass", detail: `${d.email}${d.isAdmin ? ", admin" : ""}` }
      : { check, status: "warn", detail: `${d.email} ${differs.join("; ")}: ${fix} sets it back` };
  });
}

/** The checks once the server answers, in report order. */
const SERVER_CHECKS: readonly Check<ServerContext>[] = [
  { name: "server version", run: serverVersion },
  { name: "admin sign-up closed", run: adminSetup },
];

/** The checks once the worker key is known, in report order; each runs whatever the others found. */
const KEY_CHECKS: readonly Check<DoctorContext>[] = [
  { name: "worker key is admin", run: workerKeyIsAdmin },
  { name: "worker key permissions", run: workerKeyPermissionsCheck },
  { name: "members", run: members },
  { name: "album owners' keys", run: albumOwners },
  { name: "library owners exist", run: libraryOwnersExist },
  { name: "libraries", run: libraries },
  { name: "server config matches the spec", run: serverConfigMatches },
];

/** `immich-family doctor`: check a live server against what the spec needs of it. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const client = (apiKey: string, keyName?: string) =>
    new ImmichClient({
      baseUrl: options.url,
      apiKey,
      ...(keyName ? { keyName } : {}),
      timeoutMs: options.timeoutMs ?? 10_000,
      backoff: { attempts: 2, baseMs: 200 },
    });
  const workerKey = options.keyName ?? options.spec.worker.apiKey.key;
  const admin = client(options.apiKey, workerKey);
  const rejected = new Set<string>();
  const report = (checks: CheckResult[]): DoctorReport => ({ ...checkReport(checks), checks, rejectedKeys: [...rejected] });

  // Two checks the rest need: without a server or a known key, nothing else can be asked.
  try {
    await admin.call("ping", (o) => pingServer(o));
  } catch (error) {
    if (isRejected(error)) rejected.add(workerKey);
    return report([{ check: "server reachable", status: "fail", detail: errorMessage(error) }]);
  }
  const checks: CheckResult[] = [{ check: "server reachable", status: "pass", detail: options.url }];
  const server: ServerContext = { spec: options.spec, options, client, admin, rejected };
  checks.push(...(await runChecks(SERVER_CHECKS, server)));
  let key: KeyInfo;
  try {
    key = await inspectKey(admin);
  } catch (error) {
    if (isRejected(error)) rejected.add(workerKey);
    return report([...checks, { check: "worker API key", status: "fail", detail: errorMessage(error) }]);
  }
  checks.push({ check: "worker API key", status: "pass", detail: `belongs to ${key.user.email}` });
  // Only an admin's listing is complete whatever server.publicUsers says.
  const adminUsers = key.user.isAdmin
    ? await admin
        .call("list users", (o) => searchUsers(o))
        .then(
          (users) => users.map((u) => u.email.toLowerCase()),
          () => undefined,
        )
    : undefined;
  checks.push(...(await runChecks(KEY_CHECKS, { ...server, key, adminUsers })));
  return report(checks);
}
