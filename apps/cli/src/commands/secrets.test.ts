import { describe, expect, it } from "vitest";
import { EXAMPLES, runCommand } from "../../test/helpers.js";
import { main } from "./secrets.js";

const run = (args: (string | undefined)[], flags: Record<string, unknown> = {}) => runCommand(main, EXAMPLES, args, flags);

/** KEY=value lines of an env file. */
function envKeys(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
    .map((l) => l.slice(0, l.indexOf("=")));
}

describe("secrets", () => {
  it("lists each declared target's keys with purpose and readers (json)", async () => {
    const r = await run(["family.yaml"], { output: "json" });
    expect(r.code).toBe(0);
    const { targets } = JSON.parse(r.out) as { targets: Record<string, { key: string; readers: string[] }[]> };
    const keys = (t: string) => targets[t]?.map((k) => k.key);
    // The database password is CNPG's generated Secret on Kubernetes, a key of .env on Compose.
    expect(keys("kubernetes")).not.toContain("DB_PASSWORD");
    expect(keys("compose")).toContain("DB_PASSWORD");
    expect(targets.compose?.find((k) => k.key === "DB_PASSWORD")?.readers).toEqual(["postgres", "immich-server", "db-backup", "metrics-exporter"]);
    expect(keys("kubernetes")).toEqual(["IMMICH_OAUTH_CLIENT_SECRET", "REDIS_PASSWORD", "IMMICH_API_KEY", "IMMICH_API_KEY_TWOFLOWER"]);
  });

  it("prints an .env template: every key once, empty, with a comment", async () => {
    const r = await run(["truenas.yaml"], { output: "env" });
    expect(r.code).toBe(0);
    expect(envKeys(r.out)).toEqual(["IMMICH_OAUTH_CLIENT_ID", "IMMICH_OAUTH_CLIENT_SECRET", "DB_PASSWORD", "DB_ENC_PASSPHRASE", "IMMICH_REDIS_PASSWORD"]);
    for (const line of r.out.split("\n")) if (/^[A-Z_]+=/.test(line)) expect(line).toMatch(/=$/);
    expect(r.out).toMatch(/# OAuth client secret \(entra\)\. Read by config-init\.\nIMMICH_OAUTH_CLIENT_SECRET=/);
  });

  it("marks keys only one target needs when both are declared", async () => {
    const r = await run(["family.yaml"], { output: "env" });
    expect(r.out).toMatch(/\(compose only\)\.\nDB_PASSWORD=/);
    expect(new Set(envKeys(r.out)).size).toBe(envKeys(r.out).length);
  });

  it("text output names the source of the keys per target; --target narrows", async () => {
    const r = await run(["family.yaml"], { target: "kubernetes" });
    expect(r.code).toBe(0);
    expect(r.out).toContain("kubernetes: 4 keys, from secrets.env (kustomize secretGenerator)");
    expect(r.out).not.toContain("compose");
    expect((await run(["ponder.yaml"], { target: "compose" })).code).toBe(2);
  });
});
