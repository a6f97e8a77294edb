import { VALKEY_PASSWORD_ENV, valkeyStartScript } from "@family/immich-spec";
import { bind, containerName, databaseSource, NETWORK, pinned, type RenderContext, secretVar } from "./_context.js";
import type { ComposeService } from "./compose-model.js";

/** Immich's Postgres image with VectorChord, tag `<pg>-vectorchord<version>[suffix]`, pinned to a digest when the spec gives one. */
export function databaseImage(ctx: RenderContext): string {
  const keep = ctx.compose.images?.database;
  return pinned(
    `ghcr.io/immich-app/postgres:${ctx.spec.database.postgresMajor}-vectorchord${ctx.spec.database.vectorVersion}${keep?.suffix ?? ""}`,
    keep?.digest,
  );
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
    ...containerName(compose.containerNames?.database),
    restart: "unless-stopped",
    environment: {
      POSTGRES_USER: db.user,
      POSTGRES_PASSWORD: secretVar(ctx, db.password.key),
      POSTGRES_DB: db.name,
      POSTGRES_INITDB_ARGS: "--data-checksums",
      ...(compose.databaseStorage ? { DB_STORAGE_TYPE: compose.databaseStorage } : {}),
    },
    volumes: [bind(databaseSource(ctx), compose.paths.databaseTarget ?? databaseDataPath(db.postgresMajor))],
    shm_size: "128mb",
    networks: [NETWORK.backend],
    healthcheck: {
      test: ["CMD-SHELL", `pg_isready --dbname=${db.name} --username=${db.user} || exit 1`],
      interval: "10s",
      timeout: "5s",
      retries: 5,
      start_period: "60s",
    },
  };
}

/** `$` as Compose reads it in a literal: `$$`, so the shell, not Compose, expands the script's variables. */
const composeLiteral = (text: string) => text.replaceAll("$", () => "$$");

/**
 * Valkey, ephemeral job queue. With a password, it reads its config from standard input, filled from
 * the environment, so the password is never on its command line; the healthcheck's `valkey-cli`
 * authenticates through the same variable (`REDISCLI_AUTH`; `VALKEYCLI_AUTH` is its newer name).
 */
export function redisService(ctx: RenderContext): ComposeService {
  const password = ctx.spec.redis.password;
  return {
    image: ctx.compose.redisImage,
    ...containerName(ctx.compose.containerNames?.redis),
    ...(password ? { entrypoint: ["/bin/sh", "-c"], command: [composeLiteral(valkeyStartScript())] } : {}),
    restart: "unless-stopped",
    ...(password ? { environment: { [VALKEY_PASSWORD_ENV]: secretVar(ctx, password.key), VALKEYCLI_AUTH: secretVar(ctx, password.key) } } : {}),
    networks: [NETWORK.backend],
    healthcheck: { test: ["CMD-SHELL", "valkey-cli ping | grep -q PONG"], interval: "10s", timeout: "5s", retries: 5 },
  };
}
