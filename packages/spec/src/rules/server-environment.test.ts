import { describe, expect, it } from "vitest";
import { BASE_SPEC, diagnose, edit } from "../../test/helpers.js";

const withEnv = (entries: string) => edit(BASE_SPEC, "  version: v2.7.5", `  version: v2.7.5\n  environment:\n${entries}`);
const ours = (text: string) => diagnose(text).filter((d) => d.endsWith("[server-environment]"));

describe("rule server-environment", () => {
  it("accepts non-secret settings the render does not set", () => {
    expect(ours(withEnv("    IMMICH_LOG_LEVEL: verbose\n    IMMICH_WORKERS_INCLUDE: api"))).toEqual([]);
  });

  it("refuses variables the render sets, secrets by name, and ${KEY} values", () => {
    expect(ours(withEnv("    TZ: Europe/Berlin\n    DB_HOSTNAME: db\n    SMTP_PASSWORD: x\n    IMMICH_API_URL: ${KEY}"))).toEqual([
      "spec.yaml:8:5: immich.environment.TZ: TZ is set by the render from immich.timezone; say it there [server-environment]",
      "spec.yaml:9:5: immich.environment.DB_HOSTNAME: DB_HOSTNAME is set by the render from database; say it there [server-environment]",
      "spec.yaml:10:5: immich.environment.SMTP_PASSWORD: SMTP_PASSWORD looks like a secret; secrets never go in the spec [server-environment]",
      "spec.yaml:11:21: immich.environment.IMMICH_API_URL: expected a literal value; secrets (${KEY}) never go in immich.environment [server-environment]",
    ]);
  });
});
