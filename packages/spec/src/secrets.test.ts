import { describe, expect, it } from "vitest";
import { exampleSpec } from "../test/helpers.js";
import { renderImmichConfigTemplate } from "./immich-config/render.js";
import { templateKeys } from "./immich-config/fill-template.js";
import { secretKeys } from "./secrets.js";

const keys = (name: string, target: "kubernetes" | "compose") => secretKeys(exampleSpec(name), target).map((k) => k.key);

describe("secretKeys", () => {
  it("seed 002 on Compose: OAuth, database, backup passphrase and Redis, each once", () => {
    expect(keys("truenas.yaml", "compose")).toEqual([
      "IMMICH_OAUTH_CLIENT_ID",
      "IMMICH_OAUTH_CLIENT_SECRET",
      "DB_PASSWORD",
      "DB_ENC_PASSPHRASE",
      "IMMICH_REDIS_PASSWORD",
    ]);
  });

  it("Kubernetes reads the database password from CloudNativePG's Secret, not from the env file", () => {
    expect(keys("ponder.yaml", "kubernetes")).toEqual(["IMMICH_OAUTH_CLIENT_ID", "IMMICH_OAUTH_CLIENT_SECRET", "IMMICH_API_KEY"]);
    expect(keys("family.yaml", "kubernetes")).not.toContain("DB_PASSWORD");
  });

  it("merges the readers of a shared key", () => {
    const db = secretKeys(exampleSpec("family.yaml"), "compose").find((k) => k.key === "DB_PASSWORD");
    expect(db?.readers).toEqual(["postgres", "immich-server", "db-backup", "metrics-exporter"]);
    expect(db?.purpose).toBe("Password of the database role immich");
  });

  it("covers every placeholder of the rendered config template, read by config-init", () => {
    for (const name of ["family.yaml", "ponder.yaml", "truenas.yaml"]) {
      const spec = exampleSpec(name);
      for (const target of ["kubernetes", "compose"] as const) {
        if (!spec.targets[target]) continue;
        const listed = secretKeys(spec, target);
        for (const key of templateKeys(renderImmichConfigTemplate(spec, target))) {
          expect(listed.find((k) => k.key === key)?.readers, `${name} ${target} ${key}`).toContain("config-init");
        }
      }
    }
  });
});
