import { describe, expect, it } from "vitest";
import { BASE_SPEC, diagnose, edit } from "../../test/helpers.js";

const preset = (lines: string) => edit(BASE_SPEC, "    preset: google", lines);

describe("rule oauth-provider", () => {
  it.each([
    "    preset: entra\n    tenantId: 9188040d-6c67-4c5b-b112-36a304b66dad",
    "    preset: entra\n    issuerUrl: https://login.microsoftonline.com/x/v2.0",
    "    preset: generic\n    issuerUrl: https://auth.smith.family",
  ])("accepts %s", (lines) => {
    expect(diagnose(preset(lines))).toEqual([]);
  });
  it("requires tenantId or issuerUrl for entra", () => {
    expect(diagnose(preset("    preset: entra"))).toEqual([
      "spec.yaml:11:3: auth.oauth: preset entra needs tenantId (the Directory ID; the issuer URL is derived from it) or issuerUrl [oauth-provider]",
    ]);
  });
  it("requires issuerUrl for generic", () => {
    expect(diagnose(preset("    preset: generic"))).toEqual([
      "spec.yaml:11:3: auth.oauth: preset generic needs issuerUrl, the OIDC issuer such as https://auth.example.com [oauth-provider]",
    ]);
  });
  it("warns about a tenantId another preset ignores", () => {
    expect(diagnose(preset("    preset: google\n    tenantId: abc"))).toEqual([
      "spec.yaml:13:15: warning: auth.oauth.tenantId: tenantId is only used by preset entra; preset google ignores it [oauth-provider]",
    ]);
  });
});
