import { describe, expect, it } from "vitest";
import { BASE_SPEC, diagnose, edit } from "../../test/helpers.js";
import { parseSpec } from "../index.js";

describe("rule oauth-role-claim", () => {
  it("says nothing about a role claim with google or generic", () => {
    expect(diagnose(edit(BASE_SPEC, "    preset: google", "    preset: google\n    roleClaim: immich_role"))).toEqual([]);
  });
  it("warns, without failing, when entra is given a role claim", () => {
    const text = edit(BASE_SPEC, "    preset: google", "    preset: entra\n    tenantId: t\n    roleClaim: roles");
    expect(parseSpec(text).ok).toBe(true);
    expect(diagnose(text)).toEqual([
      'spec.yaml:14:16: warning: auth.oauth.roleClaim: Immich reads the role claim as a single value "admin" or "user"; Entra sends app roles as an array, which Immich ignores, so "roles" will likely grant nothing. Set members\' admin flag instead, or emit a scalar claim [oauth-role-claim]',
    ]);
  });
});
