import type { ImmichFamilySpec, KubernetesTarget } from "@family/immich-spec";
import { Construct } from "constructs";
import type { IIngress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { builtIn } from "./_typed.js";
import { recommendedLabels } from "./_labels.js";
import { type Names, PORTS } from "./_names.js";

/** Every annotation key under `ingress.pomerium.io/` Pomerium knows; any other is an error there. */
export const POMERIUM_ANNOTATION_KEYS = [
  "allow_websockets",
  "allow_spdy",
  "pass_identity_headers",
  "preserve_host_header",
  "allow_any_authenticated_user",
  "allow_public_unauthenticated_access",
  "tls_skip_verify",
  "timeout",
  "idle_timeout",
  "set_request_headers",
  "allowed_users",
  "allowed_domains",
  "allowed_idp_claims",
  "policy",
] as const;
type PomeriumKey = (typeof POMERIUM_ANNOTATION_KEYS)[number];

/** Paths the mobile apps and the OAuth relay need without the SSO gate; Immich authenticates them itself. */
export const PUBLIC_PATHS = ["/api", "/.well-known/immich"] as const;

/** Props of `Ingress`: the spec, its Kubernetes target and the object names. */
export interface IngressProps {
  /** The parsed spec. */
  readonly spec: ImmichFamilySpec;
  /** Its Kubernetes target. */
  readonly target: KubernetesTarget;
  /** Object names: `objectNames(spec, target)`. */
  readonly names: Names;
}

/**
 * Two Pomerium Ingresses sharing one TLS secret: the web UI behind the SSO policy (carrying the
 * cert-manager issuer), and `/api` + `/.well-known/immich` on the web and mobile hosts, public.
 */
export class Ingress extends Construct {
  constructor(scope: Construct, id: string, props: IngressProps) {
    super(scope, id);
    const { spec, target, names } = props;
    const ing = target.ingress;
    const pom = ing.pomerium;
    const labels = recommendedLabels(spec, "ingress", "immich-server");
    const hosts = [spec.hosts.web, ...(spec.hosts.mobile ? [spec.hosts.mobile] : [])];
    const tls = [{ hosts, secretName: ing.tlsSecretName }];
    const backend = { service: { name: names.server, port: { number: PORTS.server } } };
    const pomerium = (entries: Partial<Record<PomeriumKey, string>>) =>
      Object.fromEntries(Object.entries(entries).map(([k, v]) => [`ingress.pomerium.io/${k}`, v]));
    const proxying = {
      allow_websockets: String(pom.allowWebsockets),
      preserve_host_header: String(pom.preserveHostHeader),
      timeout: pom.timeout,
      idle_timeout: pom.idleTimeout,
    };

    builtIn<IIngress>(this, "web", {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: {
        name: `${spec.metadata.name}-web`,
        namespace: names.namespace,
        labels,
        annotations: {
          ...(ing.clusterIssuer ? { "cert-manager.io/cluster-issuer": ing.clusterIssuer } : {}),
          ...pomerium({ ...proxying, pass_identity_headers: String(pom.passIdentityHeaders), ...accessPolicy(spec, target) }),
        },
      },
      spec: {
        ingressClassName: ing.className,
        tls,
        rules: [{ host: spec.hosts.web, http: { paths: [{ path: "/", pathType: "Prefix", backend }] } }],
      },
    });

    builtIn<IIngress>(this, "api", {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: {
        name: `${spec.metadata.name}-api`,
        namespace: names.namespace,
        labels,
        annotations: pomerium({ ...proxying, allow_public_unauthenticated_access: "true" }),
      },
      spec: {
        ingressClassName: ing.className,
        tls,
        rules: hosts.map((host) => ({ host, http: { paths: PUBLIC_PATHS.map((path) => ({ path, pathType: "Prefix", backend })) } })),
      },
    });
  }
}

/** Who gets through the SSO gate: a PPL policy, or allowed domains/users (default: the members' emails). */
function accessPolicy(spec: ImmichFamilySpec, target: KubernetesTarget): Partial<Record<PomeriumKey, string>> {
  const pom = target.ingress.pomerium;
  if (pom.policy) return { policy: pom.policy };
  const out: Partial<Record<PomeriumKey, string>> = {};
  if (pom.allowedDomains?.length) out.allowed_domains = JSON.stringify(pom.allowedDomains);
  const users = pom.allowedUsers ?? (pom.allowedDomains?.length ? undefined : Object.values(spec.members).map((m) => m.email));
  if (users?.length) out.allowed_users = JSON.stringify(users);
  return out;
}
