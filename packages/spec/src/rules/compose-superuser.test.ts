import { describe, expect, it } from "vitest";
import { BASE_SPEC, diagnose, edit } from "../../test/helpers.js";
import { parseSpec } from "../index.js";

const plainOwner = (text: string) => edit(text, "  vectorVersion: 0.3.0", "  vectorVersion: 0.3.0\n  superuser: false");
const kubernetesOnly = (text: string) => text.slice(0, text.indexOf("  compose:"));

describe("rule compose-superuser", () => {
  it("says nothing when the role is a superuser, or when only Kubernetes is declared", () => {
    expect(diagnose(BASE_SPEC)).toEqual([]);
    expect(diagnose(plainOwner(kubernetesOnly(BASE_SPEC)))).toEqual([]);
  });
  it("warns, without failing, that superuser: false cannot hold on the compose target", () => {
    const text = plainOwner(BASE_SPEC);
    expect(parseSpec(text).ok).toBe(true);
    expect(diagnose(text)).toEqual([
      "spec.yaml:35:14: warning: database.superuser: on the compose target the Immich Postgres image creates POSTGRES_USER as a superuser, so the role stays a superuser there; only Kubernetes (CloudNativePG) keeps it a plain owner. Immich's own database backup is still turned off on both [compose-superuser]",
    ]);
  });
});
