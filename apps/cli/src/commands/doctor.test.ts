import { describe, expect, it } from "vitest";
import { doctorTable, main, preflightTable } from "./doctor.js";
import { immichFixtureEach } from "../../test/helpers.js";

const fx = immichFixtureEach();

describe("immich-family doctor", () => {
  it("prints a pass table and exits 0 on a good setup", async () => {
    fx.fake.state.allowSetup = false;
    const { ctx, io } = fx.context();
    expect(await main(ctx, [], {})).toBe(0);
    expect(io.out[0]).toMatch(/^CHECK +STATUS {2}DETAIL$/);
    expect(io.out).toContain("Summary: 10 passed, 0 failed, 1 warnings, 0 skipped");
    expect(io.out).toContainEqual(expect.stringMatching(/^member bob +PASS {4}bob@example\.com$/));
    // The fake still runs its stored config, which the rendered file would replace: a warning naming each key.
    expect(io.out.find((l) => l.startsWith("server config matches the spec"))).toMatch(
      /WARN +[0-9]+ keys? differ .*server\.externalDomain: server "", spec "https:\/\//,
    );
  });

  it("exits 1 and names the missing permissions; --output json", async () => {
    const key = fx.fake.addApiKey(fx.ann, ["user.read", "library.read"]);
    const { ctx, io } = fx.context({ IMMICH_URL: fx.fake.url, WORKER_KEY: key });
    expect(await main(ctx, [], { output: "json" })).toBe(1);
    const report = JSON.parse(io.out.join(""));
    expect(report.ok).toBe(false);
    expect(report.checks.find((c: { check: string }) => c.check === "worker key permissions")).toEqual({
      check: "worker key permissions",
      status: "fail",
      detail:
        "missing library.create (creating declared libraries), library.update (updating libraries and requesting scans), job.read (following scans (scan --wait, albums after scans)), adminUser.read (reading the family's accounts and preferences), adminUser.create (creating members' accounts), adminUser.update (keeping members' name, admin flag, quota, storage label and preferences), adminUser.delete (restoring deleted members' accounts (and members sync --prune))",
    });
  });
});

describe("doctor's tables", () => {
  it("escape control characters in what they echo (a server's or a path's text), one line per check", () => {
    const detail = "user \u001b[2Jmallory\nFAKE  PASS";
    expect(doctorTable({ checks: [{ check: "users", status: "warn", detail }] } as unknown as Parameters<typeof doctorTable>[0])[1]).toBe(
      "users  WARN    user \\x1B[2Jmallory\\nFAKE  PASS",
    );
    const preflight = { targets: [{ target: "compose", checks: [{ check: "host path", status: "fail", detail, fix: "mkdir \u001b]0;x\u0007" }] }] };
    expect(preflightTable(preflight as unknown as Parameters<typeof preflightTable>[0]).slice(2, 4)).toEqual([
      "host path  FAIL    user \\x1B[2Jmallory\\nFAKE  PASS",
      "                   fix: mkdir \\x1B]0;x\\x07",
    ]);
  });
});
