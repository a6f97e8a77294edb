import type { RuleFinding, SpecRule } from "./_rule.js";

export const oauthRoleClaim: SpecRule = {
  name: "oauth-role-claim",
  description:
    "Warns that a role claim resets members' admin flag at every login, against the spec's `admin` the worker keeps, and that Entra's roles claim (an array) is ignored.",
  needs: ["auth", "members"],
  check: (spec) => {
    const oauth = spec.auth.oauth;
    if (oauth?.roleClaim === undefined) return [];
    const admins = Object.entries(spec.members)
      .filter(([, m]) => m.admin)
      .map(([h]) => h);
    const fight: RuleFinding = {
      path: ["auth", "oauth", "roleClaim"],
      severity: "warning",
      message: `Immich sets each member's admin flag from the "${oauth.roleClaim}" claim at every OAuth login, and \`members sync\` (and the worker) set it back to members.<handle>.admin: the two fight unless the identity provider sends "admin" exactly for ${admins.length > 0 ? admins.join(", ") : "no one"} and "user" for everyone else. Keep them in agreement, or remove roleClaim and let the spec decide`,
    };
    // Entra's array claim grants nothing, so it cannot fight; that is its own warning.
    if (oauth.preset !== "entra") return [fight];
    return [
      {
        path: ["auth", "oauth", "roleClaim"],
        severity: "warning",
        message: `Immich reads the role claim as a single value "admin" or "user"; Entra sends app roles as an array, which Immich ignores, so "${oauth.roleClaim}" will likely grant nothing. Set members' admin flag instead, or emit a scalar claim`,
      },
    ];
  },
};
