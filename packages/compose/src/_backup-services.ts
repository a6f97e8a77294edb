import { type ComposeTarget, durationMs, PORTS } from "@family/immich-spec";
import { bind, containerName, IN_CONTAINER, NETWORK, type RenderContext, secretVar } from "./_context.js";
import { dependsOn } from "./_depends.js";
import type { ComposeService } from "./compose-model.js";

/** `DB01_CLEANUP_TIME`: the retention in whole minutes, rounded up. */
export function cleanupMinutes(retention: string): number {
  return Math.max(1, Math.ceil(durationMs(retention) / 60_000));
}

/** db-backup's own schedule (`by: container`): `MODE=AUTO`, the first run at `begin`, then every `interval`. */
function scheduleEnv(b: ComposeTarget["backup"]): Record<string, string> {
  if (b.schedule.by === "host") return { MODE: "MANUAL", MANUAL_RUN_FOREVER: "FALSE" };
  return { MODE: "AUTO", DB01_BACKUP_BEGIN: b.schedule.begin, DB01_BACKUP_INTERVAL: String(Math.max(1, Math.round(durationMs(b.schedule.interval) / 60_000))) };
}

/**
 * tiredofit/db-backup: compressed, checksummed, encrypted dumps. By default the container stays up and
 * dumps nightly on its own schedule; with `schedule.by: host` it dumps once and exits, and a host cron
 * or CD job runs `docker compose run --rm immich-db-backup` (see the rendered README).
 */
export function backupService(ctx: RenderContext): ComposeService {
  const { spec, compose } = ctx;
  const db = spec.database;
  const b = compose.backup;
  const env: Record<string, string> = {};
  if (spec.immich.timezone) env.TIMEZONE = spec.immich.timezone;
  Object.assign(env, {
    CONTAINER_ENABLE_MONITORING: "FALSE",
    ...scheduleEnv(b),
    DB01_TYPE: "pgsql",
    DB01_HOST: ctx.services.database,
    DB01_PORT: String(PORTS.postgres),
    DB01_NAME: db.name,
    DB01_USER: db.user,
    DB01_PASS: secretVar(ctx, db.password.key),
    DB01_COMPRESSION: "ZSTD",
    DB01_CHECKSUM: "SHA1",
    DB01_FILESYSTEM_PATH: IN_CONTAINER.backups,
    DB01_CLEANUP_TIME: String(cleanupMinutes(b.retention)),
  });
  if (b.encrypt) {
    env.DB01_ENCRYPT = "TRUE";
    env.DB01_ENCRYPT_PASSPHRASE = secretVar(ctx, b.passphrase.key);
  } else {
    env.DB01_ENCRYPT = "FALSE";
  }
  const mail = b.notify?.email;
  if (mail) Object.assign(env, mailEnv(ctx, mail));
  return {
    image: b.image,
    ...containerName(compose.containerNames?.backup),
    restart: b.schedule.by === "host" ? "no" : "unless-stopped",
    ...dependsOn([ctx.services.init, "service_completed_successfully"], [ctx.services.database, "service_healthy"]),
    environment: env,
    volumes: [bind(compose.paths.backups, IN_CONTAINER.backups)],
    // egress: the SMTP server is outside the internal backend network.
    networks: mail ? [NETWORK.backend, NETWORK.egress] : [NETWORK.backend],
  };
}

type BackupEmail = NonNullable<NonNullable<ComposeTarget["backup"]["notify"]>["email"]>;

/** db-backup's failure mails (its image's msmtp settings): credentials only as interpolated secrets. */
function mailEnv(ctx: RenderContext, mail: BackupEmail): Record<string, string> {
  const { smtp } = mail;
  const env: Record<string, string> = {
    CONTAINER_ENABLE_MESSAGING: "TRUE",
    ENABLE_NOTIFICATIONS: "TRUE",
    NOTIFICATION_TYPE: "EMAIL",
    MAIL_FROM: mail.from,
    MAIL_TO: mail.to.join(","),
    SMTP_HOST: smtp.host,
    SMTP_PORT: String(smtp.port),
    SMTP_TLS: smtp.security === "none" ? "FALSE" : "TRUE",
    SMTP_STARTTLS: smtp.security === "starttls" ? "TRUE" : "FALSE",
    SMTP_TLSCERTCHECK: smtp.security === "none" ? "FALSE" : "TRUE",
  };
  if (smtp.password) {
    env.SMTP_AUTHENTICATION = "on";
    if (smtp.user) env.SMTP_USER = "key" in smtp.user ? secretVar(ctx, smtp.user.key) : smtp.user.value;
    env.SMTP_PASS = secretVar(ctx, smtp.password.key);
  }
  return env;
}

/** postgres_exporter on the backend network only: scrape it from a collector attached to that network. */
export function exporterService(ctx: RenderContext): ComposeService {
  const db = ctx.spec.database;
  return {
    image: ctx.compose.metricsExporter.image,
    restart: "unless-stopped",
    ...dependsOn([ctx.services.database, "service_healthy"]),
    environment: {
      DATA_SOURCE_URI: `${ctx.services.database}:${PORTS.postgres}/${db.name}?sslmode=disable`,
      DATA_SOURCE_USER: db.user,
      DATA_SOURCE_PASS: secretVar(ctx, db.password.key),
    },
    networks: [NETWORK.backend],
    healthcheck: {
      test: ["CMD", "wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${PORTS.postgresMetrics}/metrics`],
      interval: "30s",
      timeout: "5s",
      retries: 3,
    },
  };
}
