import { immichServerImage, machineLearningUrl, PORTS } from "@family/immich-spec";
import { bind, containerName, IN_CONTAINER, NETWORK, pinned, type RenderContext, secretVar } from "./_context.js";
import { dependsOn, nodeHttpCheck } from "./_depends.js";
import type { ComposeService } from "./compose-model.js";
import { transcodingProfile } from "./hwaccel.js";
import { traefikLabels } from "./traefik-labels.js";

/** Read-only bind mounts of the external libraries, at the paths the spec names. */
export function libraryMounts(ctx: RenderContext): string[] {
  const { spec, compose } = ctx;
  for (const handle of Object.keys(compose.libraries)) {
    if (!Object.hasOwn(spec.libraries, handle)) throw new Error(`targets.compose.libraries.${handle}: no library ${handle} is declared under libraries`);
  }
  return Object.entries(spec.libraries).flatMap(([handle, lib]) => {
    const source = compose.libraries[handle];
    if (!source) throw new Error(`targets.compose.libraries.${handle}: library ${handle} (${lib.path}) needs a hostPath on the compose target`);
    // One bind per import root, for libraries whose roots share no parent worth binding.
    if ("roots" in source) return Object.entries(source.roots).map(([root, host]) => bind(host, root, true));
    return [bind(source.hostPath, lib.path, true)];
  });
}

/** `/etc/localtime` of the host, read-only, when the spec asks for it. */
export function localtimeMount(ctx: RenderContext): string[] {
  return ctx.compose.localtime ? [bind("/etc/localtime", "/etc/localtime", true)] : [];
}

/** The host port of the server: the spec's address and port, or every address without Traefik. */
export function publishedPorts(ctx: RenderContext): string[] {
  const p = ctx.compose.publish;
  if (p === false) return [];
  if (!p) return ctx.compose.traefik ? [] : [`${PORTS.server}:${PORTS.server}`];
  const address = p.address?.includes(":") ? `[${p.address}]` : p.address;
  return [`${address ? `${address}:` : ""}${p.port}:${PORTS.server}`];
}

/** Keys in compose.yaml of the existing networks the server joins (`targets.compose.networks.join`). */
export function joinedNetworkKeys(ctx: RenderContext): string[] {
  return ctx.compose.networks.join.map((_, i) => `joined${i === 0 ? "" : `-${i + 1}`}`);
}

export function frontendNetworkName(ctx: RenderContext): string {
  return ctx.compose.networks.frontend ?? `${ctx.project}-frontend`;
}

export function serverService(ctx: RenderContext): ComposeService {
  const { spec, compose } = ctx;
  const hw = transcodingProfile(compose.hwaccel);
  const env: Record<string, string> = {};
  if (spec.immich.timezone) env.TZ = spec.immich.timezone;
  env.IMMICH_CONFIG_FILE = IN_CONTAINER.configFile;
  env.IMMICH_MEDIA_LOCATION = ctx.media;
  if (spec.immich.trustedProxies) env.IMMICH_TRUSTED_PROXIES = spec.immich.trustedProxies.join(",");
  env.DB_HOSTNAME = ctx.services.database;
  env.DB_PORT = String(PORTS.postgres);
  env.DB_USERNAME = spec.database.user;
  env.DB_PASSWORD = secretVar(ctx, spec.database.password.key);
  env.DB_DATABASE_NAME = spec.database.name;
  env.DB_VECTOR_EXTENSION = spec.database.vectorExtension;
  env.REDIS_HOSTNAME = ctx.services.redis;
  env.REDIS_PORT = String(PORTS.redis);
  if (spec.redis.password) env.REDIS_PASSWORD = secretVar(ctx, spec.redis.password.key);
  if (spec.machineLearning.enabled) env.IMMICH_MACHINE_LEARNING_URL = machineLearningUrl(spec, "compose");
  // Extra non-secret settings; the server-environment rule keeps them off the variables set above.
  for (const [k, v] of Object.entries(spec.immich.environment ?? {})) if (!(k in env)) env[k] = v;
  return {
    image: pinned(immichServerImage(spec), compose.images?.server?.digest),
    ...containerName(compose.containerNames?.server),
    user: ctx.user,
    restart: "unless-stopped",
    ...dependsOn([ctx.services.init, "service_completed_successfully"], [ctx.services.database, "service_healthy"], [ctx.services.redis, "service_healthy"]),
    environment: env,
    volumes: [bind(compose.paths.media, ctx.media), bind(compose.paths.config, IN_CONTAINER.config, true), ...libraryMounts(ctx), ...localtimeMount(ctx)],
    ...hw,
    // frontend: Traefik, and egress for OIDC discovery; backend: database, Valkey, ML.
    networks: [NETWORK.frontend, NETWORK.backend, ...joinedNetworkKeys(ctx)],
    ...(publishedPorts(ctx).length > 0 ? { ports: publishedPorts(ctx) } : {}),
    healthcheck: { test: nodeHttpCheck(`http://127.0.0.1:${PORTS.server}/api/server/ping`), interval: "30s", timeout: "10s", retries: 3, start_period: "300s" },
    ...(compose.traefik
      ? { labels: traefikLabels(spec, compose.traefik, { project: ctx.project, network: frontendNetworkName(ctx), port: PORTS.server }) }
      : {}),
  };
}
