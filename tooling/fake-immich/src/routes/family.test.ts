import {
  createApiKey,
  createPartner,
  createPartnerDeprecated,
  createUserAdmin,
  deleteApiKey,
  deleteUserAdmin,
  getApiKeys,
  getMyApiKey,
  getPartners,
  getServerConfig,
  getUserPreferencesAdmin,
  isHttpError,
  login,
  PartnerDirection,
  Permission,
  searchUsers,
  searchUsersAdmin,
  signUpAdmin,
  updateUserAdmin,
  updateUserPreferencesAdmin,
} from "@immich/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { createFakeImmich, type FakeImmich, type FakeImmichOptions } from "../server.js";

let fake: FakeImmich | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(options: FakeImmichOptions = {}) {
  fake = await createFakeImmich(options);
  return fake;
}
const at = (f: FakeImmich, headers: Record<string, string> = {}) => ({ baseUrl: f.url, headers });
const bearer = (f: FakeImmich, token: string) => at(f, { authorization: `Bearer ${token}` });

async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (error) {
    if (isHttpError(error)) return { status: error.status, message: (error.data as { message: unknown }).message };
    throw error;
  }
  throw new Error("expected the request to fail");
}

const ann = { email: "ann@example.com", name: "Ann", password: "first-secret" };

describe.each(["v2.7.5", "v3.1.0"] as const)("the family routes of the fake (%s)", (version) => {
  it("admin sign-up works once, while no admin exists; login gives a session that can make a key", async () => {
    const f = await start({ version });
    expect((await getServerConfig(at(f))).isInitialized).toBe(false);
    const admin = await signUpAdmin({ signUpDto: ann }, at(f));
    expect(admin).toMatchObject({ email: "ann@example.com", isAdmin: true, storageLabel: "admin" });
    expect((await getServerConfig(at(f))).isInitialized).toBe(true);
    expect(await failure(signUpAdmin({ signUpDto: { ...ann, email: "eve@example.com" } }, at(f)))).toEqual({
      status: 400,
      message: "The server already has an admin",
    });
    expect(await failure(login({ loginCredentialDto: { email: ann.email, password: "wrong" } }, at(f)))).toEqual({
      status: 401,
      message: "Incorrect email or password",
    });
    const { accessToken, isAdmin } = await login({ loginCredentialDto: { email: ann.email, password: ann.password } }, at(f));
    expect(isAdmin).toBe(true);
    const created = await createApiKey(
      { apiKeyCreateDto: { name: "worker", permissions: [Permission.LibraryRead, Permission.UserRead] } },
      bearer(f, accessToken),
    );
    expect(created.secret).toEqual(expect.any(String));
    expect(created.apiKey).toMatchObject({ name: "worker", permissions: ["library.read", "user.read"] });
    if (version === "v3.1.0") expect(created.id).toBe(created.apiKey.id);
    else expect(created).not.toHaveProperty("id");
    const key = at(f, { "x-api-key": created.secret });
    expect((await getMyApiKey(key)).permissions).toEqual(["library.read", "user.read"]);
    expect(await failure(createApiKey({ apiKeyCreateDto: { name: "more", permissions: [Permission.All] } }, key))).toMatchObject({ status: 403 });
    await deleteApiKey({ id: created.apiKey.id }, bearer(f, accessToken));
    expect(await getApiKeys(bearer(f, accessToken))).toEqual([]);
    expect(await failure(getMyApiKey(key))).toEqual({ status: 401, message: "Invalid API key" });
  });

  it("refuses admin sign-up when setup is turned off (IMMICH_ALLOW_SETUP=false)", async () => {
    const f = await start({ version, allowSetup: false });
    expect(await failure(signUpAdmin({ signUpDto: ann }, at(f)))).toEqual({ status: 400, message: "Admin setup is disabled" });
    expect(f.state.users.size).toBe(0);
  });

  it("admin users: unique email and label, no self-demotion or self-delete, soft delete hidden unless asked", async () => {
    const f = await start({ version });
    const admin = f.addUser({ email: "ann@example.com", isAdmin: true });
    const opts = at(f, { "x-api-key": f.addApiKey(admin) });
    expect(await failure(createUserAdmin({ userAdminCreateDto: { email: "bo@example.com", name: "Bo" } as never }, opts))).toEqual({
      status: 400,
      message: "password is required",
    });
    const bo = await createUserAdmin(
      { userAdminCreateDto: { email: "bo@example.com", name: "Bo", password: "pw", shouldChangePassword: true, storageLabel: "bo" } },
      opts,
    );
    expect(bo).toMatchObject({ shouldChangePassword: true, storageLabel: "bo", isAdmin: false });
    expect(await failure(createUserAdmin({ userAdminCreateDto: { email: "BO@example.com", name: "Bo", password: "pw" } }, opts))).toEqual({
      status: 400,
      message: "User exists",
    });
    const cy = await createUserAdmin({ userAdminCreateDto: { email: "cy@example.com", name: "Cy", password: "pw" } }, opts);
    expect(await failure(updateUserAdmin({ id: cy.id, userAdminUpdateDto: { storageLabel: "bo" } }, opts))).toEqual({
      status: 400,
      message: "Storage label already in use by another account",
    });
    expect(await failure(updateUserAdmin({ id: cy.id, userAdminUpdateDto: { email: "bo@example.com" } }, opts))).toEqual({
      status: 400,
      message: "Email already in use by another account",
    });
    expect(await updateUserAdmin({ id: cy.id, userAdminUpdateDto: { isAdmin: true, quotaSizeInBytes: 5 } }, opts)).toMatchObject({
      isAdmin: true,
      quotaSizeInBytes: 5,
    });
    expect(await failure(updateUserAdmin({ id: admin.id, userAdminUpdateDto: { isAdmin: false } }, opts))).toEqual({
      status: 400,
      message: "Admin status can only be changed by another admin",
    });
    expect(await failure(deleteUserAdmin({ id: admin.id, userAdminDeleteDto: {} }, opts))).toMatchObject({ status: 403 });
    expect(await deleteUserAdmin({ id: cy.id, userAdminDeleteDto: {} }, opts)).toMatchObject({ status: "deleted", deletedAt: expect.any(String) });
    expect((await searchUsersAdmin({}, opts)).map((u) => u.email)).toEqual(["ann@example.com", "bo@example.com"]);
    expect((await searchUsersAdmin({ withDeleted: true }, opts)).map((u) => u.email)).toContain("cy@example.com");
    expect((await searchUsers(opts)).map((u) => u.email)).not.toContain("cy@example.com");
    expect(await failure(login({ loginCredentialDto: { email: "cy@example.com", password: "pw" } }, at(f)))).toMatchObject({ status: 401 });
  });

  it("admins read and write any user's preferences, section by section", async () => {
    const f = await start({ version });
    const admin = f.addUser({ email: "ann@example.com", isAdmin: true });
    const bo = f.addUser({ email: "bo@example.com" });
    const opts = at(f, { "x-api-key": f.addApiKey(admin) });
    const before = await getUserPreferencesAdmin({ id: bo.id }, opts);
    expect(before.folders).toEqual({ enabled: false, sidebarWeb: false });
    const after = await updateUserPreferencesAdmin({ id: bo.id, userPreferencesUpdateDto: { folders: { enabled: true }, tags: { enabled: true } } }, opts);
    expect(after.folders).toEqual({ enabled: true, sidebarWeb: false });
    expect(after.tags.enabled).toBe(true);
    expect(after.people).toEqual(before.people);
    expect(await getUserPreferencesAdmin({ id: bo.id }, opts)).toEqual(after);
    expect((await failure(updateUserPreferencesAdmin({ id: bo.id, userPreferencesUpdateDto: { folders: { enabled: "yes" as never } } }, opts))).status).toBe(
      400,
    );
    const boKey = at(f, { "x-api-key": f.addApiKey(bo) });
    expect((await failure(getUserPreferencesAdmin({ id: bo.id }, boKey))).status).toBe(403);
  });

  it("partners are made by the sharing user, by body or by path, once", async () => {
    const f = await start({ version });
    f.addUser({ email: "ann@example.com", isAdmin: true });
    const bo = f.addUser({ email: "bo@example.com" });
    const cy = f.addUser({ email: "cy@example.com" });
    const boKey = at(f, { "x-api-key": f.addApiKey(bo, ["partner.read", "partner.create"]) });
    expect(await createPartner({ partnerCreateDto: { sharedWithId: cy.id } }, boKey)).toMatchObject({ id: cy.id, email: "cy@example.com" });
    expect(await failure(createPartnerDeprecated({ id: cy.id }, boKey))).toEqual({ status: 400, message: "Partner already exists" });
    expect((await getPartners({ direction: PartnerDirection.SharedBy }, boKey)).map((p) => p.email)).toEqual(["cy@example.com"]);
    const cyKey = at(f, { "x-api-key": f.addApiKey(cy) });
    expect((await getPartners({ direction: PartnerDirection.SharedWith }, cyKey)).map((p) => p.email)).toEqual(["bo@example.com"]);
    expect(await getPartners({ direction: PartnerDirection.SharedBy }, cyKey)).toEqual([]);
    expect(f.state.partners).toEqual([{ sharedById: bo.id, sharedWithId: cy.id, inTimeline: false }]);
  });

  it("an OAuth login links the account with that email, refuses one linked elsewhere, and its role claim resets the admin flag", async () => {
    const f = await start({ version });
    f.state.config = { ...f.state.config, oauth: { ...(f.state.config.oauth as object), enabled: true, autoRegister: false } };
    f.addUser({ email: "ann@example.com", isAdmin: true });
    const bo = f.addUser({ email: "bo@example.com" });
    expect(f.oauthLogin({ sub: "idp-bo", email: "BO@example.com" }).user.id).toBe(bo.id);
    expect(bo.oauthId).toBe("idp-bo");
    expect(() => f.oauthLogin({ sub: "idp-other", email: "bo@example.com" })).toThrow("OAuth authentication failed");
    expect(() => f.oauthLogin({ sub: "idp-new", email: "new@example.com" })).toThrow("OAuth authentication failed");
    bo.isAdmin = true;
    f.oauthLogin({ sub: "idp-bo", role: "user" });
    expect(bo.isAdmin).toBe(false);
    f.oauthLogin({ sub: "idp-bo" });
    expect(bo.isAdmin).toBe(false);
    const { token } = f.oauthLogin({ sub: "idp-bo", role: "admin" });
    expect(bo.isAdmin).toBe(true);
    expect((await searchUsersAdmin({}, bearer(f, token))).length).toBe(2);
  });
});
