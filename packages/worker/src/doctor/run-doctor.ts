import { access, constants, readdir, stat } from "node:fs/promises";
import { type ImmichFamilySpec, libraryImportPaths } from "@family/immich-spec";
import { getAllLibraries, getMyApiKey, getMyUser, getServerVersion, type LibraryResponseDto, pingServer, searchUsers, type UserAdminResponseDto, validate } from "@immich/sdk";
import { ImmichApiError } from "../client/api-error.js";
import { ImmichClient } from "../client/immich-client.js";
import { albumKeyPermissions, grants, type PermissionNeed, workerKeyPermissions } from "./required-permissions.js";

export type CheckStatus = "pass" | "fail" | "warn" | "skip";

export interface DoctorCheck {
  readonly check: string;
  readonly status: CheckStatus;
  readonly detail: string;
}

export interface DoctorReport {
  readonly ok: boolean;
  readonly checks: readonly DoctorCheck[];
}

export interface DoctorOptions {
  readonly spec: ImmichFamilySpec;
  readonly url: string;
  /** The worker's admin key. */
  readonly apiKey: string;
  /** For the members' own keys (the env vars the spec names). */
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

interface KeyInfo {
  readonly user: UserAdminResponseDto;
  /** undefined when the server cannot tell (no `GET /api-keys/me`). */
  readonly permissions: readonly string[] | undefined;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

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

function permissionCheck(label: string, key: KeyInfo, needs: readonly PermissionNeed[]): DoctorCheck {
  if (needs.length === 0) return { check: `${label} permissions`, status: "skip", detail: "no configured feature needs this key" };
  if (!key.permissions) return { check: `${label} permissions`, status: "warn", detail: "this server does not tell a key its permissions (GET /api-keys/me); check them in Account Settings > API Keys" };
  const missing = [...new Map(needs.filter((n) => !grants(key.permissions!, n.permission)).map((n) => [n.permission, n])).values()];
  return missing.length === 0
    ? { check: `${label} permissions`, status: "pass", detail: `has all ${new Set(needs.map((n) => n.permission)).size} needed` }
    : { check: `${label} permissions`, status: "fail", detail: `missing ${missing.map((n) => `${n.permission} (${n.for})`).join(", ")}` };
}

/** `immich-family doctor`: check a live server against what the spec needs of it. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const { spec } = options;
  const checks: DoctorCheck[] = [];
  const client = (apiKey: string) => new ImmichClient({ baseUrl: options.url, apiKey, timeoutMs: options.timeoutMs ?? 10_000, backoff: { attempts: 2, baseMs: 200 } });
  const admin = client(options.apiKey);
  const done = () => ({ ok: !checks.some((c) => c.status === "fail"), checks });

  try {
    await admin.call("ping", (o) => pingServer(o));
    checks.push({ check: "server reachable", status: "pass", detail: options.url });
  } catch (error) {
    checks.push({ check: "server reachable", status: "fail", detail: message(error) });
    return done();
  }

  const v = await admin.call("read the version", (o) => getServerVersion(o));
  const version = `v${v.major}.${v.minor}.${v.patch}`;
  const supported = v.major === 2 || v.major === 3;
  const pinned = spec.immich.version;
  const sameLine = pinned.startsWith(`v${v.major}.`);
  checks.push({
    check: "server version",
    status: !supported ? "fail" : sameLine ? "pass" : "warn",
    detail: !supported ? `${version} is not supported (v2.x or v3.x)` : sameLine ? `${version} (spec pins ${pinned})` : `${version}, but the spec pins ${pinned}: render for the server's line`,
  });

  let key: KeyInfo;
  try {
    key = await inspectKey(admin);
    checks.push({ check: "worker API key", status: "pass", detail: `belongs to ${key.user.email}` });
  } catch (error) {
    checks.push({ check: "worker API key", status: "fail", detail: message(error) });
    return done();
  }

  const hasLibraries = Object.keys(spec.libraries).length > 0;
  checks.push(
    !hasLibraries
      ? { check: "worker key is admin", status: "skip", detail: "no libraries declared" }
      : key.user.isAdmin
        ? { check: "worker key is admin", status: "pass", detail: `${key.user.email} is an admin (library endpoints are admin-only)` }
        : { check: "worker key is admin", status: "fail", detail: `${key.user.email} is not an admin; library endpoints are admin-only: use an admin's key` },
  );
  checks.push(permissionCheck("worker key", key, workerKeyPermissions(spec)));

  // Each library's albums are built with its owner's key: the member's own key, or the worker's when the owner is its user.
  const byOwner = new Map<string, string[]>();
  for (const [handle, lib] of Object.entries(spec.libraries)) if (lib.albums) byOwner.set(lib.owner, [...(byOwner.get(lib.owner) ?? []), handle]);
  let adminUsers: string[] | undefined;
  // Only an admin's listing is complete whatever server.publicUsers says.
  if (key.user.isAdmin) {
    try {
      adminUsers = (await admin.call("list users", (o) => searchUsers(o))).map((u) => u.email.toLowerCase());
    } catch {
      adminUsers = undefined;
    }
  }
  for (const [owner, handles] of byOwner) {
    const member = spec.members[owner];
    if (!member) continue;
    const ownKey = member.apiKey ? options.env[member.apiKey.key] : undefined;
    let ownerKey: KeyInfo | undefined;
    let ownerClient: ImmichClient | undefined;
    if (ownKey) {
      ownerClient = client(ownKey);
      try {
        ownerKey = await inspectKey(ownerClient);
      } catch (error) {
        checks.push({ check: `${owner}'s API key`, status: "fail", detail: message(error) });
        continue;
      }
      if (ownerKey.user.email.toLowerCase() !== member.email.toLowerCase()) {
        checks.push({ check: `${owner}'s API key`, status: "fail", detail: `belongs to ${ownerKey.user.email}, not ${member.email}` });
        continue;
      }
    } else if (key.user.email.toLowerCase() === member.email.toLowerCase()) {
      ownerClient = admin;
      ownerKey = key;
    } else {
      checks.push({
        check: `${owner}'s API key`,
        status: "fail",
        detail: member.apiKey ? `${member.apiKey.key} is not set; albums of ${handles.join(", ")} belong to ${member.email}` : `albums of ${handles.join(", ")} belong to ${member.email}: give ${owner} an apiKey in the spec`,
      });
      continue;
    }
    if (ownerClient !== admin) checks.push({ check: `${owner}'s API key`, status: "pass", detail: `belongs to ${member.email}` });
    checks.push(permissionCheck(`${owner}'s key`, ownerKey, albumKeyPermissions(spec, handles)));

    const targets = new Set<string>();
    for (const h of handles) for (const s of spec.libraries[h]?.albums?.shareWith ?? []) if (s.member !== owner) targets.add(s.member);
    if (targets.size === 0) continue;
    try {
      const seen = new Set((await ownerClient.call("list users", (o) => searchUsers(o))).map((u) => u.email.toLowerCase()));
      const unseen = [...targets].filter((t) => !seen.has(spec.members[t]?.email.toLowerCase() ?? ""));
      checks.push(
        unseen.length === 0
          ? { check: `${owner} sees share targets`, status: "pass", detail: `GET /users lists ${[...targets].join(", ")}` }
          : {
              check: `${owner} sees share targets`,
              status: "fail",
              detail:
                `GET /users with ${owner}'s key does not list ${unseen.map((t) => `${t} (${spec.members[t]?.email})`).join(", ")}` +
                (!adminUsers
                  ? ": non-admins only see themselves unless server.publicUsers is on; turn it on, or create these users"
                  : unseen.every((t) => adminUsers!.includes(spec.members[t]?.email.toLowerCase() ?? ""))
                    ? ": they exist, but non-admins only see themselves; turn on server.publicUsers"
                    : ": create these users (or have them log in once with OAuth)"),
            },
      );
    } catch (error) {
      checks.push({ check: `${owner} sees share targets`, status: "fail", detail: message(error) });
    }
  }

  if (adminUsers) {
    const owners = [...new Set(Object.values(spec.libraries).map((l) => l.owner))];
    const missing = owners.filter((o) => !adminUsers!.includes(spec.members[o]?.email.toLowerCase() ?? ""));
    checks.push(
      owners.length === 0
        ? { check: "library owners exist", status: "skip", detail: "no libraries declared" }
        : missing.length === 0
          ? { check: "library owners exist", status: "pass", detail: owners.join(", ") }
          : { check: "library owners exist", status: "fail", detail: `no Immich user for ${missing.map((o) => `${o} (${spec.members[o]?.email})`).join(", ")}` },
    );
  }

  let serverLibraries: LibraryResponseDto[] = [];
  if (key.user.isAdmin && (!key.permissions || grants(key.permissions, "library.read"))) {
    serverLibraries = await admin.call("list libraries", (o) => getAllLibraries(o)).catch(() => []);
  }
  for (const [handle, lib] of Object.entries(spec.libraries)) {
    const onServer = serverLibraries.find((l) => l.name === (lib.name ?? handle));
    if (onServer && key.permissions && !grants(key.permissions, "all")) {
      checks.push({
        check: `library ${handle} readable by Immich`,
        status: "skip",
        detail: "the server checks import paths (POST /libraries/{id}/validate) only for a key with the all permission; the paths are checked from here below",
      });
    } else if (onServer) {
      try {
        const result = await admin.call("validate library", (o) => validate({ id: onServer.id, validateLibraryDto: { importPaths: libraryImportPaths(lib) } }, o));
        const invalid = (result.importPaths ?? []).filter((p) => !p.isValid);
        checks.push(
          invalid.length === 0
            ? { check: `library ${handle} readable by Immich`, status: "pass", detail: "the server validated every import path" }
            : { check: `library ${handle} readable by Immich`, status: "fail", detail: invalid.map((p) => `${p.importPath}: ${p.message ?? "invalid"}`).join("; ") },
        );
      } catch (error) {
        checks.push({ check: `library ${handle} readable by Immich`, status: "warn", detail: message(error) });
      }
    }
    const problems: string[] = [];
    for (const path of libraryImportPaths(lib)) {
      try {
        if (!(await stat(path)).isDirectory()) {
          problems.push(`${path} is not a directory`);
          continue;
        }
        await access(path, constants.R_OK | constants.X_OK);
        if ((await readdir(path)).length === 0) problems.push(`${path} is empty (mounted?)`);
      } catch (error) {
        problems.push(`${path}: ${(error as NodeJS.ErrnoException).code ?? message(error)}`);
      }
    }
    checks.push(
      problems.length === 0
        ? { check: `library ${handle} readable here`, status: "pass", detail: libraryImportPaths(lib).join(", ") }
        : { check: `library ${handle} readable here`, status: "fail", detail: `${problems.join("; ")} — the worker must see the library at the same path as Immich` },
    );
  }
  return done();
}
