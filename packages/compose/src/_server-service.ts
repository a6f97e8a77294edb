import { immichServerImage, machineLearningUrl, PORTS, serverEnvironmentOf } from "@family/immich-spec";
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

/** Variables compose.yaml has always listed first (the server's own settings), then the rest in the table's order. */
const COMPOSE_FIRST = ["TZ", "IMMICH_CONFIG_FILE", "IMMICH_MEDIA_LOCATION", "IMMICH_TRUSTED_PROXIES"];

/** The server's `environment:` from the table: literals as they are, secrets as `${KEY}` of the secrets env file. */
function serverEnvironment(ctx: RenderContext): Record<string, string> {
  const { spec } = ctx;
  const vars = serverEnvironmentOf(spec, {
    databaseHost: { value: ctx.services.database },
    databasePort: { value: String(PORTS.postgres) },
    databaseUser: { value: spec.database.user },
    databasePassword: { secretKey: spec.database.password.key },
    databaseName: { value: spec.database.name },
    redisHost: { value: ctx.services.redis },
    machineLearningUrl: spec.machineLearning.enabled ? { value: machineLearningUrl(spec, "compose") } : undefined,
  });
  const rank = (name: string) => (COMPOSE_FIRST.includes(name) ? COMPOSE_FIRST.indexOf(name) : COMPOSE_FIRST.length);
  const sorted = vars.map((v, i) => ({ ...v, i })).sort((a, b) => rank(a.name) - rank(b.name) || a.i - b.i);
  return Object.fromEntries(
    sorted.map(({ name, value }) => {
      if ("value" in value) return [name, value.value];
      if (value.secret) throw new Error(`${name}: Compose reads secrets from its env file only, not from the Secret ${value.secret}`);
      return [name, secretVar(ctx, value.secretKey)];
    }),
  );
}

export function serverService(ctx: RenderContext): ComposeService {
  const { spec, compose } = ctx;
  const hw = transcodingProfile(compose.hwaccel);
  return {
    image: pinned(immichServerImage(spec), compose.images?.server?.digest),
    ...containerName(compose.containerNames?.server),
    user: ctx.user,
    restart: "unless-stopped",
    ...dependsOn([ctx.services.init, "service_completed_successfully"], [ctx.services.database, "service_healthy"], [ctx.services.redis, "service_healthy"]),
    environment: serverEnvironment(ctx),
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
