import { badRequest } from "../errors.js";
import type { FakeRouter } from "../router.js";
import type { FakeState, FakeUser, FakeUserInput } from "../state.js";
import { Checks, objectBody } from "./validation.js";

export function userDto(u: FakeUser) {
  return { id: u.id, email: u.email, name: u.name, avatarColor: "primary", profileImagePath: "", profileChangedAt: u.createdAt };
}

export function userAdminDto(u: FakeUser) {
  return {
    ...userDto(u),
    isAdmin: u.isAdmin,
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
    deletedAt: u.deletedAt,
    oauthId: u.oauthId,
    quotaSizeInBytes: u.quotaSizeInBytes,
    quotaUsageInBytes: 0,
    shouldChangePassword: u.shouldChangePassword,
    status: u.deletedAt === null ? "active" : "deleted",
    storageLabel: u.storageLabel,
    license: null,
  };
}

/**
 * The server's account creation (admin sign-up, `POST /admin/users`, OAuth registration): the email is
 * unique among every account, deleted ones too; the first account must be the admin; a storage label
 * is unique.
 */
export function createAccount(state: FakeState, input: FakeUserInput): FakeUser {
  if (state.userByEmail(input.email)) throw badRequest("User exists");
  if (!input.isAdmin && !state.hasAdmin()) throw badRequest("The first registered account must the administrator.");
  if (input.storageLabel && [...state.users.values()].some((u) => u.storageLabel === input.storageLabel))
    throw badRequest("Storage label already in use by another account");
  return state.addUser(input);
}

type Section = Record<string, unknown>;
const FIELDS: Record<string, Record<string, "boolean" | "integer" | "string">> = {
  albums: { defaultAssetOrder: "string" },
  cast: { gCastEnabled: "boolean" },
  download: { archiveSize: "integer", includeEmbeddedVideos: "boolean" },
  emailNotifications: { enabled: "boolean", albumInvite: "boolean", albumUpdate: "boolean" },
  folders: { enabled: "boolean", sidebarWeb: "boolean" },
  memories: { enabled: "boolean", duration: "integer", sidebarWeb: "boolean" },
  people: { enabled: "boolean", sidebarWeb: "boolean" },
  purchase: { showSupportBadge: "boolean", hideBuyButtonUntil: "string" },
  ratings: { enabled: "boolean" },
  recentlyAdded: { enabled: "boolean", sidebarWeb: "boolean" },
  sharedLinks: { enabled: "boolean", sidebarWeb: "boolean" },
  tags: { enabled: "boolean", sidebarWeb: "boolean" },
};

/** Merge a preferences update into a user's: each section leaf by leaf; unknown keys ignored, wrong types a 400. */
export function updatePreferences(state: FakeState, user: FakeUser, raw: unknown) {
  const body = objectBody(raw);
  const checks = new Checks();
  const changes: [string, string, unknown][] = [];
  for (const [section, value] of Object.entries(body)) {
    const fields = FIELDS[section];
    if (!fields) continue;
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      checks.fail(section, `${section} must be an object`);
      continue;
    }
    for (const [key, v] of Object.entries(value as Section)) {
      const type = fields[key];
      if (!type) continue;
      const ok = type === "integer" ? Number.isInteger(v) && (v as number) >= 1 : typeof v === type;
      if (!ok) checks.fail(`${section}.${key}`, `${section}.${key} must be ${type === "integer" ? "a positive integer" : `a ${type}`}`);
      else changes.push([section, key, v]);
    }
  }
  checks.done();
  for (const [section, key, v] of changes) {
    if (key === "sidebarWeb" && section === "memories" && !state.api.memoriesSidebarWeb) continue;
    user.preferences[section] = { ...user.preferences[section], [key]: v };
  }
  return structuredClone(user.preferences);
}

/** `GET /users` lists everyone only for admins or with `server.publicUsers`; otherwise only the caller. Deleted accounts never. */
export function userRoutes(router: FakeRouter): void {
  router
    .add("GET", "/users", { permission: "user.read" }, ({ state, auth }) => {
      const me = auth!.user;
      const active = [...state.users.values()].filter((u) => u.deletedAt === null);
      const visible = me.isAdmin || state.publicUsers ? active : [me];
      return { body: visible.map(userDto) };
    })
    .add("GET", "/users/me", { permission: "user.read" }, ({ auth }) => ({ body: userAdminDto(auth!.user) }))
    .add("GET", "/users/me/preferences", { permission: "userPreference.read" }, ({ auth }) => ({ body: structuredClone(auth!.user.preferences) }))
    .add("PUT", "/users/me/preferences", { permission: "userPreference.update" }, ({ state, auth, body }) => ({
      body: updatePreferences(state, auth!.user, body),
    }));
}
