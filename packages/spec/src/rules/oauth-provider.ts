import type { RuleFinding, SpecRule } from "./_rule.js";

export const oauthProvider: SpecRule = {
  name: "oauth-provider",
  description: "entra needs tenantId or issuerUrl, generic needs issuerUrl; tenantId only means something for entra.",
  needs: ["auth"],
  check: (spec) => {
    const oauth = spec.auth.oauth;
    if (oauth === undefined) return [];
    const out: RuleFinding[] = [];
    const path = ["auth", "oauth"];
    if (oauth.preset === "entra" && oauth.tenantId === undefined && oauth.issuerUrl === undefined) {
      out.push({ path, anchor: "key", message: "preset entra needs tenantId (the Directory ID; the issuer URL is derived from it) or issuerUrl" });
    }
    if (oauth.preset === "generic" && oauth.issuerUrl === undefined) {
      out.push({ path, anchor: "key", message: "preset generic needs issuerUrl, the OIDC issuer such as https://auth.example.com" });
    }
    if (oauth.preset !== "entra" && oauth.tenantId !== undefined) {
      out.push({ path: [...path, "tenantId"], severity: "warning", message: `tenantId is only used by preset entra; preset ${oauth.preset} ignores it` });
    }
    return out;
  },
};
