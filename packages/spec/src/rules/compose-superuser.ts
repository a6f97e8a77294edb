import type { SpecRule } from "./_rule.js";

export const composeSuperuser: SpecRule = {
  name: "compose-superuser",
  description: "Warns that database.superuser: false cannot hold on the compose target, whose Postgres image makes its user a superuser.",
  needs: ["database", "targets"],
  check: (spec) => {
    if (spec.database.superuser || spec.targets.compose === undefined) return [];
    return [
      {
        path: ["database", "superuser"],
        severity: "warning",
        message:
          "on the compose target the Immich Postgres image creates POSTGRES_USER as a superuser, so the role stays a superuser there; only Kubernetes (CloudNativePG) keeps it a plain owner. Immich's own database backup is still turned off on both",
      },
    ];
  },
};
