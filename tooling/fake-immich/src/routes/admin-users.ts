import { badRequest, FakeHttpError } from "../errors.js";
import type { FakeRouter, RouteContext, RouteHandler } from "../router.js";
import { type FakeUser, now } from "../state.js";
import { createAccount, updatePreferences, userAdminDto } from "./users.js";
import { Checks, EMAIL_RE, objectBody } from "./validation.js";

function findUser({ state, params }: RouteContext, withDeleted: boolean): FakeUser {
  const user = state.users.get(params.id ?? "");
  if (!user || (!withDeleted && user.deletedAt !== null)) throw badRequest("User not found");
  return user;
}

function checkUserFields(checks: Checks, body: Record<string, unknown>, create: boolean): void {
  if (create || body.email !== undefined) {
    if (typeof body.email !== "string" || !EMAIL_RE.test(body.email)) checks.fail("email", "email must be an email");
  }
  checks.string("name", body.name, !create);
  if (body.password !== undefined) checks.string("password", body.password, true);
  checks.boolean("isAdmin", body.isAdmin);
  checks.boolean("shouldChangePassword", body.shouldChangePassword);
  if (body.quotaSizeInBytes !== undefined && body.quotaSizeInBytes !== null)
    checks.intRange("quotaSizeInBytes", body.quotaSizeInBytes, 0, Number.MAX_SAFE_INTEGER);
  if (body.storageLabel !== undefined && body.storageLabel !== null && typeof body.storageLabel !== "string")
    checks.fail("storageLabel", "storageLabel must be a string");
}

/** `POST /admin/users`: an email and a name, and a password unless OAuth is on; email and storage label unique. */
const createUser: RouteHandler = ({ state, body: raw }) => {
  const body = objectBody(raw);
  const checks = new Checks();
  checkUserFields(checks, body, true);
  checks.done();
  const oauth = state.config.oauth as { enabled?: boolean } | undefined;
  if (!oauth?.enabled && !body.password) throw badRequest("password is required");
  const user = createAccount(state, {
    email: body.email as string,
    name: body.name as string,
    password: typeof body.password === "string" && body.password ? body.password : null,
    isAdmin: body.isAdmin === true,
    quotaSizeInBytes: (body.quotaSizeInBytes as number | null | undefined) ?? null,
    storageLabel: typeof body.storageLabel === "string" && body.storageLabel ? body.storageLabel : null,
    shouldChangePassword: body.shouldChangePassword === true,
  });
  return { status: 201, body: userAdminDto(user) };
};

/** `PUT /admin/users/:id`: the fields sent; an admin cannot change their own admin flag; email and storage label stay unique. */
const updateUser: RouteHandler = (ctx) => {
  const user = findUser(ctx, false);
  const body = objectBody(ctx.body);
  const checks = new Checks();
  checkUserFields(checks, body, false);
  checks.done();
  const me = ctx.auth!.user;
  if (typeof body.isAdmin === "boolean" && body.isAdmin !== me.isAdmin && me.id === user.id)
    throw badRequest("Admin status can only be changed by another admin");
  const others = [...ctx.state.users.values()].filter((u) => u.id !== user.id);
  if (typeof body.email === "string" && others.some((u) => u.email.toLowerCase() === (body.email as string).toLowerCase()))
    throw badRequest("Email already in use by another account");
  if (typeof body.storageLabel === "string" && body.storageLabel && others.some((u) => u.storageLabel === body.storageLabel))
    throw badRequest("Storage label already in use by another account");
  if (typeof body.email === "string") user.email = body.email;
  if (typeof body.name === "string") user.name = body.name;
  if (typeof body.password === "string" && body.password) user.password = body.password;
  if (typeof body.isAdmin === "boolean") user.isAdmin = body.isAdmin;
  if (typeof body.shouldChangePassword === "boolean") user.shouldChangePassword = body.shouldChangePassword;
  if (body.quotaSizeInBytes !== undefined) user.quotaSizeInBytes = body.quotaSizeInBytes as number | null;
  if (body.storageLabel !== undefined) user.storageLabel = body.storageLabel === "" ? null : (body.storageLabel as string | null);
  user.updatedAt = now();
  return { body: userAdminDto(user) };
};

/**
 * `/admin/users`: every account with admin fields. Create needs an email and a name, and a password
 * unless OAuth is on; emails and storage labels are unique; an admin cannot change their own admin
 * flag nor delete themselves; delete is a soft delete (restorable), the account hidden unless `withDeleted`.
 */
export function adminUserRoutes(router: FakeRouter): void {
  router
    .add("GET", "/admin/users", { admin: true, permission: "adminUser.read" }, ({ state, query }) => {
      const withDeleted = query.get("withDeleted") === "true";
      const id = query.get("id");
      const users = [...state.users.values()].filter((u) => (withDeleted || u.deletedAt === null) && (id === null || u.id === id));
      return { body: users.map(userAdminDto) };
    })
    .add("POST", "/admin/users", { admin: true, permission: "adminUser.create" }, createUser)
    .add("GET", "/admin/users/:id", { admin: true, permission: "adminUser.read" }, (ctx) => ({ body: userAdminDto(findUser(ctx, true)) }))
    .add("PUT", "/admin/users/:id", { admin: true, permission: "adminUser.update" }, updateUser)
    .add("DELETE", "/admin/users/:id", { admin: true, permission: "adminUser.delete" }, (ctx) => {
      const user = findUser(ctx, false);
      if (ctx.auth!.user.id === user.id) throw new FakeHttpError(403, "Cannot delete your own account");
      user.deletedAt = now();
      user.updatedAt = user.deletedAt;
      return { status: 200, body: userAdminDto(user) };
    })
    .add("POST", "/admin/users/:id/restore", { admin: true, permission: "adminUser.delete" }, (ctx) => {
      const user = findUser(ctx, true);
      user.deletedAt = null;
      user.updatedAt = now();
      return { status: 201, body: userAdminDto(user) };
    })
    .add("GET", "/admin/users/:id/preferences", { admin: true, permission: "adminUser.read" }, (ctx) => ({
      body: structuredClone(findUser(ctx, true).preferences),
    }))
    .add("PUT", "/admin/users/:id/preferences", { admin: true, permission: "adminUser.update" }, (ctx) => ({
      body: updatePreferences(ctx.state, findUser(ctx, false), ctx.body),
    }));
}
