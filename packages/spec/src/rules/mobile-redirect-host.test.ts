import { describe, expect, it } from "vitest";
import { BASE_SPEC, diagnose, edit } from "../../test/helpers.js";

const withHost = (host: string) => edit(BASE_SPEC, "    clientId: ${OAUTH_CLIENT_ID}", `    clientId: \${OAUTH_CLIENT_ID}\n    mobileRedirectHost: ${host}`);

describe("rule mobile-redirect-host", () => {
  it.each(["photos.smith.family", "app.smith.family"])("accepts the declared host %s", (host) => {
    expect(diagnose(withHost(host))).toEqual([]);
  });
  it("rejects a host this Immich does not serve", () => {
    expect(diagnose(withHost("relay.smith.family"))).toEqual([
      'spec.yaml:14:25: auth.oauth.mobileRedirectHost: expected one of the declared hosts (photos.smith.family, app.smith.family), got "relay.smith.family"; the relay must be served by this Immich [mobile-redirect-host]',
    ]);
  });
});
