import type { SpecRule } from "./_rule.js";

export const mobileRedirectHost: SpecRule = {
  name: "mobile-redirect-host",
  description: "The OAuth mobile relay host is one of the declared hosts.",
  needs: ["auth", "hosts"],
  check: (spec) => {
    const host = spec.auth.oauth?.mobileRedirectHost;
    const declared = [spec.hosts.web, ...(spec.hosts.mobile ? [spec.hosts.mobile] : [])];
    if (host === undefined || declared.includes(host)) return [];
    return [
      {
        path: ["auth", "oauth", "mobileRedirectHost"],
        message: `expected one of the declared hosts (${declared.join(", ")}), got "${host}"; the relay must be served by this Immich`,
      },
    ];
  },
};
