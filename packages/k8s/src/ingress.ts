import { ADMIN_SIGN_UP, CLUSTER_ISSUER_ANNOTATION, type ImmichFamilySpec, type KubernetesTarget } from "@family/immich-spec";
import { Construct } from "constructs";
import type { IIngress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { recommendedLabels } from "./_labels.js";
import { inScope, type InstallContext, PORTS } from "./_names.js";
import { builtIn } from "./_typed.js";

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
  "path_regex",
] as const;
type PomeriumKey = (typeof POMERIUM_ANNOTATION_KEYS)[number];

/** Paths the mobile apps and the OAuth relay need without the SSO gate; Immich authenticates them itself. */
export const PUBLIC_PATHS = ["/api", "/.well-known/immich"] as const;

/** A Pomerium policy (PPL) that refuses every request, signed in or not: Pomerium answers 403 and never proxies. */
export const DENY_ALL_POLICY = "deny:\n  or:\n    - accept: true\n";

type IngressSettings = KubernetesTarget["ingress"];

/** Props of `Ingress`: the install's names and labels, the hosts, the ingress settings and who passes the SSO gate by default. */
export interface IngressProps {
  /** Names and labels of the install: `installContext(spec, target)`. */
  readonly install: InstallContext;
  /** The web host and the optional mobile host (`hosts`). */
  readonly hosts: ImmichFamilySpec["hosts"];
  /** Class, TLS secret, cert-manager issuer and Pomerium settings (`targets.kubernetes.ingress`). */
  readonly ingress: IngressSettings;
  /** Emails allowed through the SSO gate when `ingress.pomerium` names no policy, users or domains (the members'). @default none */
  readonly memberEmails?: readonly string[] | undefined;
}

/**
 * Three Pomerium Ingresses sharing one TLS secret: the web UI behind the SSO policy (carrying the
 * cert-manager issuer); `/api` + `/.well-known/immich` on the web and mobile hosts, public; and
 * Immich's first-admin sign-up on both hosts, refused to everyone. Pomerium orders a host's routes
 * exact paths first, then regular expressions, then prefixes, so the refusal's regular expression
 * (any case, repeated slashes, anything after it) wins over `/api` and `/`.
 */
export class Ingress extends Construct {
  constructor(scope: Construct, id: string, props: IngressProps) {
    super(scope, id);
    const install = inScope(this, props.install);
    const { ingress: ing } = props;
    const { names } = install;
    const pom = ing.pomerium;
    const labels = recommendedLabels(install, "ingress", "immich-server");
    const hosts = [props.hosts.web, ...(props.hosts.mobile ? [props.hosts.mobile] : [])];
    const tls = [{ hosts, secretName: ing.tlsSecretName }];
    const backend = { service: { name: names.server, port: { number: PORTS.server } } };
    const ingressTo = (id: string, name: string, annotations: Record<string, string>, rules: IngressRule[]) =>
      builtIn<IIngress>(this, id, {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name, namespace: names.namespace, labels, annotations },
        spec: { ingressClassName: ing.className, tls, rules },
      });
    const proxying = {
      allow_websockets: String(pom.allowWebsockets),
      preserve_host_header: String(pom.preserveHostHeader),
      timeout: pom.timeout,
      idle_timeout: pom.idleTimeout,
    };

    ingressTo(
      "web",
      names.webIngress,
      {
        ...(ing.clusterIssuer ? { [CLUSTER_ISSUER_ANNOTATION]: ing.clusterIssuer } : {}),
        ...pomerium({ ...proxying, pass_identity_headers: String(pom.passIdentityHeaders), ...accessPolicy(pom, props.memberEmails ?? []) }),
      },
      [{ host: props.hosts.web, http: { paths: [{ path: "/", pathType: "Prefix", backend }] } }],
    );
    ingressTo(
      "api",
      names.apiIngress,
      pomerium({ ...proxying, allow_public_unauthenticated_access: "true" }),
      hosts.map((host) => ({ host, http: { paths: PUBLIC_PATHS.map((path) => ({ path, pathType: "Prefix", backend })) } })),
    );
    // The backend is the server so that Pomerium accepts the route; the policy lets no request through to it.
    ingressTo(
      "admin-sign-up",
      names.adminSignUpIngress,
      pomerium({ path_regex: "true", policy: DENY_ALL_POLICY }),
      hosts.map((host) => ({ host, http: { paths: [{ path: `${ADMIN_SIGN_UP.pattern}.*`, pathType: "ImplementationSpecific", backend }] } })),
    );
  }
}

type IngressRule = NonNullable<NonNullable<IIngress["spec"]>["rules"]>[number];

/** Pomerium's annotations, `ingress.pomerium.io/<key>`. */
function pomerium(entries: Partial<Record<PomeriumKey, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).map(([k, v]) => [`ingress.pomerium.io/${k}`, v]));
}

/** Who gets through the SSO gate: a PPL policy, or allowed domains/users (default: the members' emails). */
function accessPolicy(pom: IngressSettings["pomerium"], memberEmails: readonly string[]): Partial<Record<PomeriumKey, string>> {
  if (pom.policy) return { policy: pom.policy };
  const out: Partial<Record<PomeriumKey, string>> = {};
  if (pom.allowedDomains?.length) out.allowed_domains = JSON.stringify(pom.allowedDomains);
  const users = pom.allowedUsers ?? (pom.allowedDomains?.length ? undefined : memberEmails);
  if (users?.length) out.allowed_users = JSON.stringify(users);
  return out;
}
