import { bind, NETWORK, type RenderContext, secretVar } from "./_context.js";
import type { ComposeService } from "./compose-model.js";

/** Immich's Postgres image with VectorChord, tag `<pg>-vectorchord<version>`. */
export function databaseImage(ctx: RenderContext): string {
  return `ghcr.io/immich-app/postgres:${ctx.spec.database.postgresMajor}-vectorchord${ctx.spec.database.vectorVersion}`;
}

/** PGDATA's parent in the image: Postgres 18 images keep data under /var/lib/postgresql/<major>/docker. */
export function databaseDataPath(postgresMajor: number): string {
  return postgresMajor >= 18 ? "/var/lib/postgresql" : "/var/lib/postgresql/data";
}

export function databaseService(ctx: RenderContext): ComposeService {
  const { spec, compose } = ctx;
  const db = spec.database;
  return {
    image: databaseImage(ctx),
    restart: "unless-stopped",
    environment: {
      POSTGRES_USER: db.user,
      POSTGRES_PASSWORD: secretVar(ctx, db.password.key),
      POSTGRES_DB: db.name,
      POSTGRES_INITDB_ARGS: "--data-checksums",
    },
    volumes: [bind(compose.paths.database, compose.paths.databaseTarget ?? databaseDataPath(db.postgresMajor))],
    shm_size: "128mb",
    networks: [NETWORK.backend],
    healthcheck: { test: ["CMD-SHELL", `pg_isready --dbname=${db.name} --username=${db.user} || exit 1`], interval: "10s", timeout: "5s", retries: 5, start_period: "60s" },
  };
}

/** Valkey, ephemeral job queue; the healthcheck authenticates through the CLI's environment variables (old and new name). */
export function redisService(ctx: RenderContext): ComposeService {
  const password = ctx.spec.redis.password;
  return {
    image: ctx.compose.redisImage,
    ...(password ? { command: ["valkey-server", "--requirepass", secretVar(ctx, password.key)] } : {}),
    restart: "unless-stopped",
    ...(password ? { environment: { REDISCLI_AUTH: secretVar(ctx, password.key), VALKEYCLI_AUTH: secretVar(ctx, password.key) } } : {}),
    networks: [NETWORK.backend],
    healthcheck: { test: ["CMD-SHELL", "valkey-cli ping | grep -q PONG"], interval: "10s", timeout: "5s", retries: 5 },
  };
}
