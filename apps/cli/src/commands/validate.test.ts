import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { recordingIo, EXAMPLES, runCli, commandContext } from "../../test/helpers.js";
import { main, summaryLine, validate } from "./validate.js";

const ctx = (cwd: string, io = recordingIo()) => commandContext(cwd, io);
const BROKEN = `apiVersion: immich-family.dev/v1alpha1
kind: ImmichFamily
metadata:
  name: smiths
immich:
  version: v2.7.5
hosts:
  web: photos.smith.family
members:
  ann: { name: Ann, email: ann@smith.family, admn: true }
targets:
  compose:
    user: { uid: 1000, gid: one }
    paths: { media: /srv/immich }
`;

function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "validate-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("validate", () => {
  it.each(["ponder.yaml", "truenas.yaml"])("accepts examples/%s", async (file) => {
    const io = recordingIo();
    expect(await main(ctx(EXAMPLES, io), [file], { output: "text" })).toBe(0);
    expect(io.out).toEqual([`Summary: ${file} is valid, 0 errors, 0 warnings`]);
    expect(io.err).toEqual([]);
  });

  it("accepts examples/family.yaml and warns that its plain-owner database role cannot hold on compose", async () => {
    const io = recordingIo();
    expect(await main(ctx(EXAMPLES, io), ["family.yaml"], { output: "text" })).toBe(0);
    expect(io.out).toEqual(["Summary: family.yaml is valid, 0 errors, 1 warning"]);
    expect(io.err).toHaveLength(1);
    expect(io.err[0]).toMatch(/^family\.yaml:\d+:\d+: warning: database\.superuser: on the compose target .* \[compose-superuser\]/);
  });

  it("prints every error with a code frame on stderr and a one-line summary on stdout, exit 2", async () => {
    const io = recordingIo();
    expect(await main(ctx(tempDir({ "immich-family.yaml": BROKEN }), io), [], { output: "text" })).toBe(2);
    expect(io.out).toEqual(["Summary: immich-family.yaml is invalid, 2 errors, 0 warnings"]);
    expect(io.err.join("\n")).toMatchInlineSnapshot(`
      "immich-family.yaml:10:46: members.ann.admn: unknown key "admn" (did you mean "admin"?) [unknown-key]
         9 | members:
      > 10 |   ann: { name: Ann, email: ann@smith.family, admn: true }
           |                                              ^^^^

      immich-family.yaml:13:29: targets.compose.user.gid: expected an integer, got "one" [invalid-type]
        12 |   compose:
      > 13 |     user: { uid: 1000, gid: one }
           |                             ^^^
      "
    `);
  });

  it("gives machines JSON with the same diagnostics", async () => {
    const io = recordingIo();
    expect(await main(ctx(tempDir({ "spec.yaml": BROKEN }), io), ["spec.yaml"], { output: "json" })).toBe(2);
    const json = JSON.parse(io.out.join(""));
    expect(json).toMatchObject({ file: "spec.yaml", ok: false, warnings: [] });
    expect(json.errors.map((e: { line: number; column: number; path: string; code: string }) => `${e.line}:${e.column} ${e.path} ${e.code}`)).toEqual([
      "10:46 members.ann.admn unknown-key",
      "13:29 targets.compose.user.gid invalid-type",
    ]);
    expect(io.err).toEqual([]);
  });

  it("says how to create a spec when there is none", async () => {
    await expect(validate(tempDir(), undefined)).rejects.toMatchObject({
      exitCode: 2,
      message: "No spec at ./immich-family.yaml. Run `immich-family init` to create one, or pass the spec's path.",
    });
  });

  it("counts warnings in the summary", () => {
    expect(
      summaryLine({
        file: "a.yaml",
        ok: true,
        errors: [],
        warnings: [{ file: "a.yaml", line: 1, column: 1, path: "", message: "m", code: "c", severity: "warning" }],
      }),
    ).toBe("Summary: a.yaml is valid, 0 errors, 1 warning");
  });
});

describe("built CLI: validate", () => {
  it("exits 0 on a valid example", () => {
    const r = runCli(["validate", "ponder.yaml"], EXAMPLES);
    expect([r.status, r.stdout.trim()]).toEqual([0, "Summary: ponder.yaml is valid, 0 errors, 0 warnings"]);
  });
  it("exits 2 on an invalid spec, with the frames on stderr", () => {
    const r = runCli(["validate"], tempDir({ "immich-family.yaml": BROKEN }));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("> 10 |   ann: { name: Ann, email: ann@smith.family, admn: true }");
    expect(r.stdout.trim()).toBe("Summary: immich-family.yaml is invalid, 2 errors, 0 warnings");
  });
  it("exits 2 when the spec is missing and says to run init", () => {
    const r = runCli(["validate"], tempDir());
    expect([r.status, r.stderr.trim()]).toEqual([
      2,
      "error: No spec at ./immich-family.yaml. Run `immich-family init` to create one, or pass the spec's path.",
    ]);
  });
  it("reads the spec from standard input for -, naming it <stdin>", () => {
    const ok = runCli(["validate", "-"], tempDir(), readFileSync(join(EXAMPLES, "truenas.yaml"), "utf8"));
    expect([ok.status, ok.stdout.trim()]).toEqual([0, "Summary: <stdin> is valid, 0 errors, 0 warnings"]);
    const bad = runCli(["validate", "-"], tempDir(), BROKEN);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('<stdin>:10:46: members.ann.admn: unknown key "admn"');
  });
  it("refuses standard input over 1 MiB without reading the rest", () => {
    const r = runCli(["validate", "-"], tempDir(), `# ${"x".repeat(3 * 1024 * 1024)}\n`);
    expect([r.status, r.stderr.trim()]).toEqual([
      2,
      "error: <stdin>:1:1: the spec is over 1 MiB; a spec may be at most 1 MiB (it holds settings, not data) [too-large]",
    ]);
  });
  it("answers --output json with a JSON result also for input refused by its size", () => {
    const dir = tempDir({ "huge.yaml": "" });
    truncateSync(join(dir, "huge.yaml"), 150 * 1024 * 1024);
    for (const [args, input, file, what] of [
      [["validate", "-", "--output", "json"], `# ${"x".repeat(3 * 1024 * 1024)}\n`, "<stdin>", "over 1 MiB"],
      [["validate", "huge.yaml", "--output", "json"], undefined, "huge.yaml", "150.0 MiB"],
    ] as const) {
      const r = runCli(args, dir, input);
      expect([r.status, r.stderr]).toEqual([2, ""]);
      expect(JSON.parse(r.stdout)).toEqual({
        file,
        ok: false,
        errors: [
          {
            file,
            line: 1,
            column: 1,
            path: "",
            message: `the spec is ${what}; a spec may be at most 1 MiB (it holds settings, not data)`,
            code: "too-large",
            severity: "error",
          },
        ],
        warnings: [],
      });
    }
  });
  it("refuses a 150 MB spec file by its size, before reading it", () => {
    const dir = tempDir({ "huge.yaml": "" });
    truncateSync(join(dir, "huge.yaml"), 150 * 1024 * 1024);
    const r = runCli(["validate", "huge.yaml"], dir);
    expect([r.status, r.stderr.trim()]).toEqual([
      2,
      "error: huge.yaml:1:1: the spec is 150.0 MiB; a spec may be at most 1 MiB (it holds settings, not data) [too-large]",
    ]);
  });
  it("never writes a control character of the spec to the terminal", () => {
    const r = runCli(["validate", "-"], tempDir(), BROKEN.replace("name: Ann", 'name: "Ann\\e]0;owned\\a\\e[2J"').replace("admn: true", '"ad\\e[31mmn": true'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("members.ann.ad\\x1B[31mmn: control character \\x1B in a key");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no control character may reach the terminal
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
  });
  it("shows examples in --help", () => {
    const r = runCli(["validate", "--help"], tempDir());
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("immich-family validate examples/family.yaml --output json");
  });
});
