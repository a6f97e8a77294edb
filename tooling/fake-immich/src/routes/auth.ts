import { badRequest, FakeHttpError } from "../errors.js";
import type { FakeRouter } from "../router.js";
import type { FakeState, FakeUser } from "../state.js";
import { createAccount, userAdminDto } from "./users.js";
import { Checks, EMAIL_RE, objectBody } from "./validation.js";

/** What an identity provider says about the person logging in (the claims the server reads). */
export interface OAuthProfile {
  readonly sub: string;
  readonly email?: string;
  readonly name?: string;
  /** The role claim's value, when the token carries one. */
  readonly role?: "admin" | "user";
}

/**
 * The server's OAuth callback after the identity provider answered: by OAuth id, else link the account
 * with that email (refused when it is linked to another id), else register it when `oauth.autoRegister`
 * is on. A role claim, when present, sets `isAdmin` at every login (also for existing accounts).
 */
export function oauthLogin(state: FakeState, profile: OAuthProfile): { user: FakeUser; token: string } {
  const oauth = state.config.oauth as { enabled?: boolean; autoRegister?: boolean } | undefined;
  if (!oauth?.enabled) throw badRequest("OAuth is not enabled");
  const email = profile.email?.trim().toLowerCase();
  let user = [...state.users.values()].find((u) => u.oauthId === profile.sub && u.deletedAt === null);
  if (!user && email) {
    const byEmail = state.userByEmail(email);
    if (byEmail && byEmail.deletedAt === null) {
      if (byEmail.oauthId) throw badRequest("OAuth authentication failed");
      byEmail.oauthId = profile.sub;
      user = byEmail;
    }
  }
  if (!user) {
    if (!oauth.autoRegister) throw badRequest("OAuth authentication failed");
    if (!email) throw badRequest("OAuth profile does not have an email address");
    user = state.addUser({ email, name: profile.name ?? email, oauthId: profile.sub, isAdmin: profile.role === "admin" });
  }
  if (profile.role !== undefined) user.isAdmin = profile.role === "admin";
  return { user, token: state.addSession(user) };
}

function loginDto(user: FakeUser, accessToken: string) {
  return {
    accessToken,
    userId: user.id,
    userEmail: user.email,
    name: user.name,
    profileImagePath: "",
    isAdmin: user.isAdmin,
    shouldChangePassword: user.shouldChangePassword,
    isOnboarded: true,
  };
}

/** `POST /auth/admin-sign-up` (only while no admin exists and setup is allowed) and `POST /auth/login`. */
export function authRoutes(router: FakeRouter): void {
  router
    .add("POST", "/auth/admin-sign-up", { public: true, permission: false }, ({ state, body: raw }) => {
      const body = objectBody(raw);
      const checks = new Checks();
      if (typeof body.email !== "string" || !EMAIL_RE.test(body.email)) checks.fail("email", "email must be an email");
      checks.string("name", body.name, false);
      checks.string("password", body.password, false);
      checks.done();
      if (!state.allowSetup) throw badRequest("Admin setup is disabled");
      if (state.hasAdmin()) throw badRequest("The server already has an admin");
      const admin = createAccount(state, {
        email: body.email as string,
        name: body.name as string,
        password: body.password as string,
        isAdmin: true,
        storageLabel: "admin",
      });
      return { status: 201, body: userAdminDto(admin) };
    })
    .add("POST", "/auth/login", { public: true, permission: false }, ({ state, body: raw }) => {
      const body = objectBody(raw);
      const checks = new Checks();
      if (typeof body.email !== "string" || !EMAIL_RE.test(body.email)) checks.fail("email", "email must be an email");
      checks.string("password", body.password, false);
      checks.done();
      const passwordLogin = state.config.passwordLogin as { enabled?: boolean } | undefined;
      if (passwordLogin?.enabled === false) throw new FakeHttpError(401, "Password login has been disabled");
      const user = state.userByEmail(body.email as string);
      if (!user || user.deletedAt !== null || user.password === null || user.password !== body.password)
        throw new FakeHttpError(401, "Incorrect email or password");
      return { status: 201, body: loginDto(user, state.addSession(user)) };
    });
}
