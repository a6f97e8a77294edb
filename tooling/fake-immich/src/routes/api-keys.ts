import { randomBytes, randomUUID } from "node:crypto";
import { badRequest } from "../errors.js";
import type { FakeRouter } from "../router.js";
import { type FakeApiKey, now } from "../state.js";
import { objectBody } from "./validation.js";

function apiKeyDto(k: FakeApiKey) {
  return { id: k.id, name: k.name, permissions: k.permissions, createdAt: k.createdAt, updatedAt: k.createdAt };
}

const grants = (held: readonly string[], wanted: string) => held.includes("all") || held.includes(wanted);

/**
 * API keys belong to the caller. `GET /api-keys/me` tells any valid key its own permissions (no
 * permission needed; a login session has no key: 403). Creating one needs a non-empty list of
 * permissions, none beyond the caller's own when the caller is a key. The secret is shown once: v2
 * answers `{ apiKey, secret }`, v3 also spreads the key's fields beside them.
 */
export function apiKeyRoutes(router: FakeRouter): void {
  router
    .add("GET", "/api-keys/me", { permission: false }, ({ auth }) => {
      if (!auth!.apiKey) throw badRequest("Not authenticated with an API key");
      return { body: apiKeyDto(auth!.apiKey) };
    })
    .add("GET", "/api-keys", { permission: "apiKey.read" }, ({ state, auth }) => ({
      body: [...state.apiKeys.values()].filter((k) => k.userId === auth!.user.id).map(apiKeyDto),
    }))
    .add("POST", "/api-keys", { permission: "apiKey.create" }, ({ state, auth, body: raw }) => {
      const body = objectBody(raw);
      const perms = body.permissions;
      if (!Array.isArray(perms) || perms.length === 0 || perms.some((p) => typeof p !== "string"))
        throw badRequest([{ path: ["permissions"], message: "permissions must contain at least 1 elements" }]);
      if (body.name !== undefined && typeof body.name !== "string") throw badRequest([{ path: ["name"], message: "name must be a string" }]);
      const caller = auth!.apiKey;
      if (caller && !(perms as string[]).every((p) => grants(caller.permissions, p))) throw badRequest("Cannot grant permissions you do not have");
      const key: FakeApiKey = {
        id: randomUUID(),
        name: typeof body.name === "string" && body.name ? body.name : "API Key",
        secret: randomBytes(24).toString("base64url"),
        userId: auth!.user.id,
        permissions: [...new Set(perms as string[])],
        createdAt: now(),
      };
      state.apiKeys.set(key.secret, key);
      const dto = apiKeyDto(key);
      return { status: 201, body: state.api.apiKeyCreated === "spread" ? { ...dto, apiKey: dto, secret: key.secret } : { apiKey: dto, secret: key.secret } };
    })
    .add("DELETE", "/api-keys/:id", { permission: "apiKey.delete" }, ({ state, auth, params }) => {
      const found = [...state.apiKeys.values()].find((k) => k.id === params.id && k.userId === auth!.user.id);
      if (!found) throw badRequest("API Key not found");
      state.apiKeys.delete(found.secret);
      return { status: 204 };
    });
}
