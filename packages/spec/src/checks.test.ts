import { describe, expect, it } from "vitest";
import { type Check, type CheckResult, checkReport, checkReportLines, checkSummary, checksExitCode, checksPassed, runChecks } from "./checks.js";

const lines: CheckResult[] = [
  { check: "server reachable", status: "pass", detail: "http://immich:2283/api", fix: "never shown for a pass" },
  { check: "admin sign-up closed", status: "warn", detail: "setup is still allowed", fix: "set IMMICH_ALLOW_SETUP=false" },
  { check: "files", status: "fail", detail: "1 of 20 sampled asset files missing, e.g. /srv/photos/a\u001b[2Jb.jpg", fix: "mount the library" },
  { check: "libraries", status: "skip", detail: "no libraries declared" },
];

describe("runChecks", () => {
  it("runs every check in order, and a check that throws becomes a failed line named after it while the others still run", async () => {
    const checks: Check<{ n: number }>[] = [
      { name: "first", run: async ({ n }) => [{ check: "first", status: "pass", detail: `n is ${n}` }] },
      {
        name: "broken",
        run: async () => {
          throw new Error("read the version: the server answered 500");
        },
      },
      { name: "several", run: async () => [lines[3] as CheckResult, lines[1] as CheckResult] },
    ];
    expect(await runChecks(checks, { n: 2 })).toEqual([
      { check: "first", status: "pass", detail: "n is 2" },
      { check: "broken", status: "fail", detail: "read the version: the server answered 500" },
      lines[3],
      lines[1],
    ]);
  });
});

describe("a report's verdict", () => {
  it("fails only on a failed line: warnings and skips pass, with exit code 0", () => {
    expect([checksPassed([lines[0], lines[1], lines[3]] as CheckResult[]), checksExitCode([lines[1]] as CheckResult[])]).toEqual([true, 0]);
    expect([checksPassed(lines), checksExitCode(lines)]).toEqual([false, 1]);
    expect(checksPassed([])).toBe(true);
  });

  it("counts every status for the JSON reports", () => {
    expect(checkReport(lines)).toEqual({ ok: false, summary: { passed: 1, failed: 1, warnings: 1, skipped: 1 } });
    expect(checkReport([])).toEqual({ ok: true, summary: { passed: 0, failed: 0, warnings: 0, skipped: 0 } });
  });

  it("sums up every status, the verdict first", () => {
    expect(checkSummary(lines)).toBe("Summary: FAIL, 1 passed, 1 failed, 1 warning, 1 skipped");
    expect(checkSummary([lines[0] as CheckResult])).toBe("Summary: PASS, 1 passed, 0 failed, 0 warnings, 0 skipped");
  });
});

describe("checkReportLines", () => {
  it("prints each table under its title, aligned across tables, a fix under every line that did not pass, escaped", () => {
    const text = checkReportLines([
      { title: "compose preflight", checks: lines.slice(0, 2) },
      { title: "db-backup: ./backups\u202e", checks: lines.slice(2) },
    ]).join("\n");
    expect(text).toMatchInlineSnapshot(`
      "compose preflight
      CHECK                 STATUS  DETAIL
      server reachable      PASS    http://immich:2283/api
      admin sign-up closed  WARN    setup is still allowed
                                    fix: set IMMICH_ALLOW_SETUP=false

      db-backup: ./backups\\u202E
      CHECK                 STATUS  DETAIL
      files                 FAIL    1 of 20 sampled asset files missing, e.g. /srv/photos/a\\x1B[2Jb.jpg
                                    fix: mount the library
      libraries             SKIP    no libraries declared

      Summary: FAIL, 1 passed, 1 failed, 1 warning, 1 skipped"
    `);
  });

  it("prints a single untitled table with the CHECK column at least as wide as its heading", () => {
    expect(checkReportLines([{ checks: [{ check: "age", status: "pass", detail: "taken 3 h ago" }] }])).toMatchInlineSnapshot(`
      [
        "CHECK  STATUS  DETAIL",
        "age    PASS    taken 3 h ago",
        "",
        "Summary: PASS, 1 passed, 0 failed, 0 warnings, 0 skipped",
      ]
    `);
  });
});
