import { ADMIN_SIGN_UP } from "@family/immich-spec";
import { immichRoutesToSignUp, ORDINARY_API_PATHS, SIGN_UP_ATTEMPTS } from "@family/test-kit";
import { describe, expect, it } from "vitest";
import { exampleSpec, find, type K8sObject, objects, pomeriumRoute, pomeriumRoutes, specWith } from "../test/helpers.js";
import { DENY_ALL_POLICY } from "./ingress.js";

const annotations = (o: { metadata: { annotations?: Record<string, unknown> } }) => o.metadata.annotations ?? {};

describe("Ingress", () => {
  const ponder = objects(exampleSpec("ponder"));
  const web = find(ponder, "Ingress", "ponder-web");
  const api = find(ponder, "Ingress", "ponder-api");

  it("puts the web UI behind Pomerium with seed 000's annotations as strings and the members as allowed users", () => {
    expect(annotations(web)).toEqual({
      "cert-manager.io/cluster-issuer": "letsencrypt-prod",
      "ingress.pomerium.io/allow_websockets": "true",
      "ingress.pomerium.io/idle_timeout": "0s",
      "ingress.pomerium.io/pass_identity_headers": "true",
      "ingress.pomerium.io/preserve_host_header": "true",
      "ingress.pomerium.io/timeout": "0s",
      "ingress.pomerium.io/allowed_users": JSON.stringify(["ponder@gmail.com", "stibbons@gmail.com"]),
    });
    expect(web.spec.ingressClassName).toBe("pomerium");
    expect(web.spec.rules).toEqual([
      { host: "immich.uu.am", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "ponder-server", port: { number: 2283 } } } }] } },
    ]);
    expect(web.spec.tls).toEqual([{ hosts: ["immich.uu.am"], secretName: "tls-secret" }]);
  });

  it("lets /api and /.well-known/immich through without the SSO gate, sharing the TLS secret but not the issuer", () => {
    expect(annotations(api)["ingress.pomerium.io/allow_public_unauthenticated_access"]).toBe("true");
    expect(annotations(api)["cert-manager.io/cluster-issuer"]).toBeUndefined();
    expect(Object.keys(annotations(api)).some((k) => k.includes("allowed_"))).toBe(false);
    expect(api.spec.tls).toEqual(web.spec.tls);
    expect(api.spec.rules.map((r: { host: string }) => r.host)).toEqual(["immich.uu.am"]);
    expect(api.spec.rules[0].http.paths.map((p: { path: string }) => p.path)).toEqual(["/api", "/.well-known/immich"]);
  });

  it("serves the public paths on the mobile host too, with one certificate covering both hosts", () => {
    const list = objects(exampleSpec("family"));
    const famApi = find(list, "Ingress", "rincewind-api");
    const famWeb = find(list, "Ingress", "rincewind-web");
    expect(famApi.spec.rules.map((r: { host: string }) => r.host)).toEqual(["photos.rincewind.family", "app.photos.rincewind.family"]);
    expect(famWeb.spec.rules.map((r: { host: string }) => r.host)).toEqual(["photos.rincewind.family"]);
    expect(famWeb.spec.tls).toEqual([{ hosts: ["photos.rincewind.family", "app.photos.rincewind.family"], secretName: "immich-tls" }]);
    expect(famApi.spec.tls).toEqual(famWeb.spec.tls);
  });

  it("follows the spec's hosts, class, issuer, TLS secret and timeouts", () => {
    const spec = specWith("ponder", (s) => {
      s.hosts.web = "photos.example.org";
      s.targets.kubernetes.ingress = {
        className: "pomerium-internal",
        clusterIssuer: "letsencrypt-staging",
        tlsSecretName: "photos-tls",
        pomerium: { timeout: "30m", idleTimeout: "5m", allowWebsockets: false },
      };
    });
    const list = objects(spec);
    const w = find(list, "Ingress", "ponder-web");
    expect(w.spec.rules[0].host).toBe("photos.example.org");
    expect(w.spec.ingressClassName).toBe("pomerium-internal");
    expect(w.spec.tls).toEqual([{ hosts: ["photos.example.org"], secretName: "photos-tls" }]);
    expect(annotations(w)).toMatchObject({
      "cert-manager.io/cluster-issuer": "letsencrypt-staging",
      "ingress.pomerium.io/timeout": "30m",
      "ingress.pomerium.io/idle_timeout": "5m",
      "ingress.pomerium.io/allow_websockets": "false",
    });
    const noIssuer = find(objects(specWith("ponder", (s) => delete s.targets.kubernetes.ingress.clusterIssuer)), "Ingress", "ponder-web");
    expect(annotations(noIssuer)["cert-manager.io/cluster-issuer"]).toBeUndefined();
  });

  it("takes the access policy from allowedDomains, allowedUsers or a PPL policy", () => {
    const famWeb = find(objects(exampleSpec("family")), "Ingress", "rincewind-web");
    expect(annotations(famWeb)["ingress.pomerium.io/allowed_domains"]).toBe('["example.com"]');
    expect(annotations(famWeb)["ingress.pomerium.io/allowed_users"]).toBeUndefined();
    const users = find(
      objects(specWith("ponder", (s) => (s.targets.kubernetes.ingress.pomerium = { allowedUsers: ["a@example.com"] }))),
      "Ingress",
      "ponder-web",
    );
    expect(annotations(users)["ingress.pomerium.io/allowed_users"]).toBe('["a@example.com"]');
    const ppl = "allow:\n  or:\n    - email:\n        is: a@example.com\n";
    const policy = find(objects(specWith("ponder", (s) => (s.targets.kubernetes.ingress.pomerium = { policy: ppl }))), "Ingress", "ponder-web");
    expect(annotations(policy)["ingress.pomerium.io/policy"]).toBe(ppl);
    expect(annotations(policy)["ingress.pomerium.io/allowed_users"]).toBeUndefined();
  });

  describe("refuses Immich's first-admin sign-up from outside", () => {
    const family = objects(exampleSpec("family"));
    const hosts = ["photos.rincewind.family", "app.photos.rincewind.family"];
    // Whether Envoy's normalize_path decodes %2D and the like is not documented; both must be safe.
    const envoy = { decodeUnreserved: true, rejectEncodedSlash: true };
    const cleanings = [envoy, { ...envoy, decodeUnreserved: false }];
    /** The attempts that reach Immich's sign-up handler through the rendered Ingresses. */
    const reaching = (list: readonly K8sObject[]) =>
      hosts.flatMap((host) =>
        cleanings.flatMap((cleaning) =>
          SIGN_UP_ATTEMPTS.filter((target) => {
            const { route, path } = pomeriumRoute(pomeriumRoutes(list), host, target, cleaning);
            return (
              route !== undefined && path !== undefined && route.annotations["ingress.pomerium.io/policy"] !== DENY_ALL_POLICY && immichRoutesToSignUp(path)
            );
          }).map((target) => `${host}${target}`),
        ),
      );

    it("renders a third Ingress on the web and mobile hosts whose regular expression Pomerium denies to everyone", () => {
      const refusal = find(family, "Ingress", "rincewind-admin-sign-up");
      expect(annotations(refusal)).toEqual({ "ingress.pomerium.io/path_regex": "true", "ingress.pomerium.io/policy": DENY_ALL_POLICY });
      expect(refusal.spec.ingressClassName).toBe("pomerium");
      expect(refusal.spec.tls).toEqual(find(family, "Ingress", "rincewind-web").spec.tls);
      expect(refusal.spec.rules).toEqual(
        hosts.map((host) => ({
          host,
          http: {
            paths: [
              {
                path: "/+(?i:api/+auth/+admin-sign-up).*",
                pathType: "ImplementationSpecific",
                backend: { service: { name: "rincewind-server", port: { number: 2283 } } },
              },
            ],
          },
        })),
      );
      expect(ADMIN_SIGN_UP.path).toBe("/api/auth/admin-sign-up");
    });

    it("sends no spelling of the sign-up to the server on either host, however Envoy cleans the path", () => {
      expect(reaching(family)).toEqual([]);
      for (const host of hosts) {
        for (const target of ["/api/auth/admin-sign-up", "/API/Auth/Admin-Sign-Up/", "//api//auth/admin-sign-up?x=1"]) {
          expect(pomeriumRoute(pomeriumRoutes(family), host, target, envoy).route?.ingress).toBe("rincewind-admin-sign-up");
        }
      }
    });

    it("would let the sign-up through without the refusal: the check above can fail", () => {
      const without = family.filter((o) => o.metadata.name !== "rincewind-admin-sign-up");
      expect(reaching(without)).toContain("photos.rincewind.family/api/auth/admin-sign-up");
      expect(reaching(without)).toContain("app.photos.rincewind.family/api/auth/admin-sign-up/");
      // Through the SSO-gated web Ingress: anyone the gate admits (allowedDomains may be a whole domain).
      expect(reaching(without)).toContain("photos.rincewind.family/API/AUTH/ADMIN-SIGN-UP");
    });

    it("still sends the apps' own API paths to the public Ingress and the web UI to the SSO one", () => {
      const routes = pomeriumRoutes(family);
      for (const host of hosts) {
        for (const target of ORDINARY_API_PATHS) expect(pomeriumRoute(routes, host, target, envoy).route?.ingress).toBe("rincewind-api");
      }
      expect(pomeriumRoute(routes, hosts[0] ?? "", "/photos/1", envoy).route?.ingress).toBe("rincewind-web");
      expect(pomeriumRoute(routes, hosts[1] ?? "", "/photos/1", envoy).route).toBeUndefined();
    });

    it("refuses it on the web host alone when the spec has no mobile host, whatever the class", () => {
      const ponder = objects(specWith("ponder", (s) => (s.targets.kubernetes.ingress.className = "pomerium-internal")));
      const refusal = find(ponder, "Ingress", "ponder-admin-sign-up");
      expect(refusal.spec.ingressClassName).toBe("pomerium-internal");
      expect(refusal.spec.rules.map((r: { host: string }) => r.host)).toEqual(["immich.uu.am"]);
      expect(pomeriumRoute(pomeriumRoutes(ponder), "immich.uu.am", "/api/Auth/admin-sign-up/", { ...envoy, decodeUnreserved: false }).route?.ingress).toBe(
        "ponder-admin-sign-up",
      );
    });
  });
});
