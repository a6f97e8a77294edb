import type { SpecRule } from "./_rule.js";

export const oauthRoleClaim: SpecRule = {
  name: "oauth-role-claim",
  description: "Warns that Entra's roles claim (an array) is ignored by Immich as a role claim.",
  needs: ["auth"],
  check: (spec) => {
    const oauth = spec.auth.oauth;
    if (oauth?.preset !== "entra" || oauth.roleClaim === undefined) return [];
    return [
      {
        path: ["auth", "oauth", "roleClaim"],
        severity: "warning",
        message: `Immich reads the role claim as a single value "admin" or "user"; Entra sends app roles as an array, which Immich ignores, so "${oauth.roleClaim}" will likely grant nothing. Set members' admin flag instead, or emit a scalar claim`,
      },
    ];
  },
};
