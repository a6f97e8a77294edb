import type { FakeRouter } from "../router.js";
import type { FakeUser } from "../state.js";

export function userDto(u: FakeUser) {
  return { id: u.id, email: u.email, name: u.name, avatarColor: "primary", profileImagePath: "", profileChangedAt: u.createdAt };
}

export function userAdminDto(u: FakeUser) {
  return {
    ...userDto(u),
    isAdmin: u.isAdmin,
    createdAt: u.createdAt,
    updatedAt: u.createdAt,
    deletedAt: null,
    oauthId: "",
    quotaSizeInBytes: u.quotaSizeInBytes,
    quotaUsageInBytes: 0,
    shouldChangePassword: false,
    status: "active",
    storageLabel: u.storageLabel,
    license: null,
  };
}

/** `GET /users` lists everyone only for admins or with `server.publicUsers`; otherwise only the caller. */
export function userRoutes(router: FakeRouter): void {
  router
    .add("GET", "/users", { permission: "user.read" }, ({ state, auth }) => {
      const me = auth!.user;
      const visible = me.isAdmin || state.publicUsers ? [...state.users.values()] : [me];
      return { body: visible.map(userDto) };
    })
    .add("GET", "/users/me", { permission: "user.read" }, ({ auth }) => ({ body: userAdminDto(auth!.user) }));
}
