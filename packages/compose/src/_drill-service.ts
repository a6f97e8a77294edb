import type { RenderContext } from "./_context.js";
import { databaseDataPath, databaseImage } from "./_data-services.js";
import type { ComposeService } from "./compose-model.js";

/** The Compose profile of the restore drill: a plain `docker compose up` never starts its service. */
export const DRILL_PROFILE = "drill";

/**
 * The restore drill's scratch Postgres: the live database's image (same major, same vector extension),
 * its data in memory and gone with the container, and no network at all, so it can reach neither the
 * live database nor anything else. `immich-family backup verify` starts it, restores the newest backup
 * into it through `docker compose exec` and removes it. Trust authentication only ever admits the
 * processes inside the container itself.
 */
export function drillService(ctx: RenderContext): ComposeService {
  const major = ctx.spec.database.postgresMajor;
  return {
    image: databaseImage(ctx),
    profiles: [DRILL_PROFILE],
    restart: "no",
    environment: { POSTGRES_USER: "postgres", POSTGRES_HOST_AUTH_METHOD: "trust" },
    tmpfs: [databaseDataPath(major)],
    shm_size: "128mb",
    network_mode: "none",
    healthcheck: {
      test: ["CMD-SHELL", "pg_isready --username=postgres || exit 1"],
      interval: "5s",
      timeout: "5s",
      retries: 24,
    },
  };
}
