import { describe, expect, it } from "vitest";
import { BASE_SPEC, diagnose, edit } from "../../test/helpers.js";
import { parseSpec } from "../index.js";

describe("rule oauth-role-claim", () => {
  it("says nothing without a role claim", () => {
    expect(diagnose(BASE_SPEC)).toEqual([]);
  });
  it("warns that a role claim fights the members' admin flags, naming the admins", () => {
    expect(diagnose(edit(BASE_SPEC, "    preset: google", "    preset: google\n    roleClaim: immich_role"))).toEqual([
      'spec.yaml:13:16: warning: auth.oauth.roleClaim: Immich sets each member\'s admin flag from the "immich_role" claim at every OAuth login, and `members sync` (and the worker) set it back to members.<handle>.admin: the two fight unless the identity provider sends "admin" exactly for ann and "user" for everyone else. Keep them in agreement, or remove roleClaim and let the spec decide [oauth-role-claim]',
    ]);
  });
  it("warns, without failing, when entra is given a role claim", () => {
    const text = edit(BASE_SPEC, "    preset: google", "    preset: entra\n    tenantId: t\n    roleClaim: roles");
    expect(parseSpec(text).ok).toBe(true);
    expect(diagnose(text)).toEqual([
      'spec.yaml:14:16: warning: auth.oauth.roleClaim: Immich reads the role claim as a single value "admin" or "user"; Entra sends app roles as an array, which Immich ignores, so "roles" will likely grant nothing. Set members\' admin flag instead, or emit a scalar claim [oauth-role-claim]',
    ]);
  });
});
