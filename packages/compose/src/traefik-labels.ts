import { ADMIN_SIGN_UP, type ComposeTarget, type ImmichFamilySpec } from "@family/immich-spec";

type Traefik = NonNullable<ComposeTarget["traefik"]>;

interface Router {
  readonly name: string;
  readonly rule: string;
  readonly middlewares?: string;
  readonly priority?: number;
  readonly service?: string;
}

/** The highest priority Traefik v3 leaves to user routers on every platform (MaxInt32 - 1000). */
export const REFUSAL_PRIORITY = 2_147_482_647;

/** Traefik's own service that answers 418 and forwards nothing. */
export const NOOP_SERVICE = "noop@internal";

/**
 * Traefik docker labels of immich-server: the web host behind the forward-auth middleware, the mobile
 * host (or, without one, the API paths of the web host) without it, both to port 2283; and, above them
 * all, a router that refuses Immich's first-admin sign-up on every host: a case-insensitive
 * `PathRegexp` (repeated slashes, any suffix) whose `ipAllowList` admits loopback only (403 for
 * everyone else) and whose service is Traefik's `noop@internal`, so not even loopback reaches Immich.
 */
export function traefikLabels(
  spec: Pick<ImmichFamilySpec, "hosts">,
  traefik: Traefik,
  opts: { project: string; network: string; port: number },
): Record<string, string> {
  const service = opts.project;
  const mobile = spec.hosts.mobile && spec.hosts.mobile !== spec.hosts.web ? spec.hosts.mobile : undefined;
  const routers: Router[] = [{ name: `${opts.project}-web`, rule: host(spec.hosts.web), ...(traefik.forwardAuth ? { middlewares: traefik.forwardAuth } : {}) }];
  if (mobile) {
    routers.push({ name: `${opts.project}-mobile`, rule: host(mobile) });
  } else if (traefik.forwardAuth) {
    // Mobile apps and the OAuth relay cannot pass an SSO gate: Immich authenticates its API itself.
    routers.push({ name: `${opts.project}-api`, rule: `${host(spec.hosts.web)} && (PathPrefix(\`/api\`) || PathPrefix(\`/.well-known/immich\`))` });
  }
  const refusal = `${opts.project}-admin-sign-up`;
  routers.push({
    name: refusal,
    rule: `${mobile ? `(${host(spec.hosts.web)} || ${host(mobile)})` : host(spec.hosts.web)} && PathRegexp(\`^${ADMIN_SIGN_UP.pattern}\`)`,
    middlewares: refusal,
    priority: REFUSAL_PRIORITY,
    service: NOOP_SERVICE,
  });
  const labels: Record<string, string> = { "traefik.enable": "true", "traefik.docker.network": opts.network };
  labels[`traefik.http.middlewares.${refusal}.ipallowlist.sourcerange`] = "127.0.0.1/32,::1/128";
  for (const r of routers) {
    const p = `traefik.http.routers.${r.name}`;
    labels[`${p}.rule`] = r.rule;
    labels[`${p}.entrypoints`] = traefik.entrypoint;
    labels[`${p}.tls`] = "true";
    if (traefik.certResolver) labels[`${p}.tls.certresolver`] = traefik.certResolver;
    if (r.middlewares) labels[`${p}.middlewares`] = r.middlewares;
    if (r.priority) labels[`${p}.priority`] = String(r.priority);
    labels[`${p}.service`] = r.service ?? service;
  }
  labels[`traefik.http.services.${service}.loadbalancer.server.port`] = String(opts.port);
  return labels;
}

function host(name: string): string {
  return `Host(\`${name}\`)`;
}
