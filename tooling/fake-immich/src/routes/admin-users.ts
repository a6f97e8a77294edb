import { badRequest } from "../errors.js";
import type { FakeRouter } from "../router.js";
import { userAdminDto } from "./users.js";
import { Checks, objectBody } from "./validation.js";

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** `/admin/users`: every user with admin fields (quota); creating one needs an email, a name and a password. */
export function adminUserRoutes(router: FakeRouter): void {
  router
    .add("GET", "/admin/users", { admin: true, permission: "adminUser.read" }, ({ state }) => ({ body: [...state.users.values()].map(userAdminDto) }))
    .add("POST", "/admin/users", { admin: true, permission: "adminUser.create" }, ({ state, body: raw }) => {
      const body = objectBody(raw);
      const checks = new Checks();
      if (typeof body.email !== "string" || !EMAIL_RE.test(body.email)) checks.fail("email", "email must be an email");
      checks.string("name", body.name, false);
      checks.string("password", body.password, false);
      checks.boolean("isAdmin", body.isAdmin);
      if (body.quotaSizeInBytes !== undefined && body.quotaSizeInBytes !== null)
        checks.intRange("quotaSizeInBytes", body.quotaSizeInBytes, 0, Number.MAX_SAFE_INTEGER);
      checks.done();
      if (state.userByEmail(body.email as string)) throw badRequest("User exists");
      const user = state.addUser({
        email: body.email as string,
        name: body.name as string,
        isAdmin: body.isAdmin === true,
        quotaSizeInBytes: (body.quotaSizeInBytes as number | null | undefined) ?? null,
      });
      return { status: 201, body: userAdminDto(user) };
    });
}
