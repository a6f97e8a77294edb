import type { ComposeTarget, ImmichFamilySpec } from "@family/immich-spec";

type Traefik = NonNullable<ComposeTarget["traefik"]>;

interface Router {
  readonly name: string;
  readonly rule: string;
  readonly middlewares?: string;
}

/**
 * Traefik docker labels of immich-server: the web host behind the forward-auth middleware, the mobile
 * host (or, without one, the API paths of the web host) without it, both to port 2283.
 */
export function traefikLabels(
  spec: Pick<ImmichFamilySpec, "hosts">,
  traefik: Traefik,
  opts: { project: string; network: string; port: number },
): Record<string, string> {
  const service = opts.project;
  const routers: Router[] = [{ name: `${opts.project}-web`, rule: host(spec.hosts.web), ...(traefik.forwardAuth ? { middlewares: traefik.forwardAuth } : {}) }];
  if (spec.hosts.mobile && spec.hosts.mobile !== spec.hosts.web) {
    routers.push({ name: `${opts.project}-mobile`, rule: host(spec.hosts.mobile) });
  } else if (traefik.forwardAuth) {
    // Mobile apps and the OAuth relay cannot pass an SSO gate: Immich authenticates its API itself.
    routers.push({ name: `${opts.project}-api`, rule: `${host(spec.hosts.web)} && (PathPrefix(\`/api\`) || PathPrefix(\`/.well-known/immich\`))` });
  }
  const labels: Record<string, string> = { "traefik.enable": "true", "traefik.docker.network": opts.network };
  for (const r of routers) {
    const p = `traefik.http.routers.${r.name}`;
    labels[`${p}.rule`] = r.rule;
    labels[`${p}.entrypoints`] = traefik.entrypoint;
    labels[`${p}.tls`] = "true";
    if (traefik.certResolver) labels[`${p}.tls.certresolver`] = traefik.certResolver;
    if (r.middlewares) labels[`${p}.middlewares`] = r.middlewares;
    labels[`${p}.service`] = service;
  }
  labels[`traefik.http.services.${service}.loadbalancer.server.port`] = String(opts.port);
  return labels;
}

function host(name: string): string {
  return `Host(\`${name}\`)`;
}
