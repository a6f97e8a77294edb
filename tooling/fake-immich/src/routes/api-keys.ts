import type { FakeRouter } from "../router.js";
import type { FakeApiKey } from "../state.js";

function apiKeyDto(k: FakeApiKey) {
  return { id: k.id, name: k.name, permissions: k.permissions, createdAt: k.createdAt, updatedAt: k.createdAt };
}

/** `GET /api-keys/me` tells any valid key its own permissions (no permission needed). */
export function apiKeyRoutes(router: FakeRouter): void {
  router
    .add("GET", "/api-keys/me", { permission: false }, ({ auth }) => ({ body: apiKeyDto(auth!.apiKey) }))
    .add("GET", "/api-keys", { permission: "apiKey.read" }, ({ state, auth }) => ({
      body: [...state.apiKeys.values()].filter((k) => k.userId === auth!.user.id).map(apiKeyDto),
    }));
}
