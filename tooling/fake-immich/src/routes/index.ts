import type { RouteModule } from "../router.js";
import { albumRoutes } from "../routes-albums.js";
import { adminUserRoutes } from "./admin-users.js";
import { apiKeyRoutes } from "./api-keys.js";
import { authRoutes } from "./auth.js";
import { jobRoutes } from "./jobs.js";
import { libraryRoutes } from "./libraries.js";
import { partnerRoutes } from "./partners.js";
import { searchRoutes } from "./search.js";
import { serverRoutes } from "./server.js";
import { systemConfigRoutes } from "./system-config.js";
import { userRoutes } from "./users.js";

/** The route modules every fake serves; add an area's module here (one file per area). */
export const defaultRoutes: readonly RouteModule[] = [
  serverRoutes,
  userRoutes,
  apiKeyRoutes,
  libraryRoutes,
  jobRoutes,
  searchRoutes,
  albumRoutes,
  systemConfigRoutes,
  adminUserRoutes,
  authRoutes,
  partnerRoutes,
];

export { adminUserRoutes, apiKeyRoutes, authRoutes, jobRoutes, libraryRoutes, partnerRoutes, searchRoutes, serverRoutes, systemConfigRoutes, userRoutes };
export { assetDto } from "./search.js";
export { userAdminDto, userDto } from "./users.js";
