import { checkImmichConfig, isPlainObject } from "@family/immich-spec";
import { badRequest } from "../errors.js";
import type { FakeRouter } from "../router.js";
import { immichConfigDefaults } from "@family/immich-spec";

/**
 * `/system-config`: the stored config, complete. A PUT must send every section (the server's DTO
 * requires them) with valid values, and is refused while a config file is in use.
 */
export function systemConfigRoutes(router: FakeRouter): void {
  router
    .add("GET", "/system-config", { admin: true, permission: "systemConfig.read" }, ({ state }) => ({ body: structuredClone(state.config) }))
    .add("GET", "/system-config/defaults", { admin: true, permission: "systemConfig.read" }, ({ state }) => ({ body: immichConfigDefaults(state.line) }))
    .add("PUT", "/system-config", { admin: true, permission: "systemConfig.update" }, ({ state, body }) => {
      if (state.configFile) throw badRequest("Cannot update configuration while IMMICH_CONFIG_FILE is in use");
      if (!isPlainObject(body)) throw badRequest([{ path: [], message: "body must be an object" }]);
      const missing = Object.keys(state.config).filter((k) => !(k in body));
      const issues = [
        ...missing.map((k) => ({ path: [k], message: `${k} must be an object` })),
        ...checkImmichConfig(state.line, body).map((i) => ({ path: [...i.path], message: `${i.path.join(".")} ${i.message}` })),
      ];
      if (issues.length > 0) throw badRequest(issues);
      state.config = structuredClone(body);
      return { body: structuredClone(state.config) };
    });
}
