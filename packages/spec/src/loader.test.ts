import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BASE_SPEC, diagnose, edit } from "../test/helpers.js";
import { formatDiagnosticWithFrame, loadSpecFile, parseSpec } from "./index.js";

describe("parseSpec", () => {
  it("accepts the base spec and applies defaults", () => {
    const result = parseSpec(BASE_SPEC);
    expect(result.ok ? [] : result.errors).toEqual([]);
    if (!result.ok) return;
    expect(result.value.database.password).toEqual({ key: "DB_PASSWORD" });
    expect(result.value.targets.kubernetes?.namespace).toBe("immich");
    expect(result.value.libraries.photos?.albums?.shareWith).toEqual([{ member: "bob", role: "editor" }]);
  });

  it("returns structured diagnostics with 1-based positions and the node's end", () => {
    const result = parseSpec(edit(BASE_SPEC, "  postgresMajor: 16", "  postgresMajor: twelve"), "x.yaml");
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors).toEqual([
      {
        file: "x.yaml",
        line: 33,
        column: 18,
        endLine: 33,
        endColumn: 24,
        path: "database.postgresMajor",
        message: 'expected an integer, got "twelve"',
        code: "invalid-type",
        severity: "error",
      },
    ]);
  });

  it("keeps warnings apart from errors and still succeeds with warnings only", () => {
    const text = edit(BASE_SPEC, "    preset: google", "    preset: entra\n    tenantId: 0000-1111\n    roleClaim: roles");
    const result = parseSpec(text);
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => `${w.line}:${w.column} ${w.code}`)).toEqual(["14:16 oauth-role-claim"]);
  });

  it("reports an unresolvable alias instead of throwing", () => {
    expect(diagnose(edit(BASE_SPEC, "    name: Bob", "    name: *bob"))).toEqual([
      "spec.yaml:1:1: YAML: Unresolved alias (the anchor must be set before the alias): bob [yaml-alias]",
    ]);
  });

  it("names a missing key whose schema is one value (kind) as missing, not as a wrong value", () => {
    expect(diagnose(edit(BASE_SPEC, "kind: ImmichFamily\n", ""))).toEqual(["spec.yaml:1:1: kind: missing required key kind [missing-key]"]);
    expect(diagnose(edit(BASE_SPEC, "kind: ImmichFamily", "kind:"))).toEqual(['spec.yaml:2:1: kind: expected "ImmichFamily", got null [invalid-value]']);
  });

  it("points a missing key in a list item at the item", () => {
    expect(diagnose(edit(BASE_SPEC, "{ member: bob, role: editor }", "{ role: editor }"))).toEqual([
      "spec.yaml:31:11: libraries.photos.albums.shareWith.0.member: missing required key member [missing-key]",
    ]);
  });
});

describe("formatDiagnosticWithFrame", () => {
  it("shows the line before, the offending line and a caret under the node", () => {
    const text = edit(BASE_SPEC, "    admin: true", "    admin: maybe");
    const result = parseSpec(text);
    const [error] = result.ok ? [] : result.errors;
    expect(error && formatDiagnosticWithFrame(error, text)).toMatchInlineSnapshot(`
      "immich-family.yaml:20:12: members.ann.admin: expected a boolean (true or false), got "maybe" [invalid-type]
        19 |     email: ann@smith.family
      > 20 |     admin: maybe
           |            ^^^^^"
    `);
  });

  it("never prints a literal secret, neither in the message nor in the frame", () => {
    const text = edit(BASE_SPEC, "database:\n", "database:\n  password: hunter2-Sup3r\n  user: immich\n");
    const result = parseSpec(text);
    const rendered = (result.ok ? [] : result.errors).map((d) => formatDiagnosticWithFrame(d, text)).join("\n");
    expect(rendered).not.toContain("hunter2");
    expect(rendered).toMatchInlineSnapshot(`
      "immich-family.yaml:33:13: database.password: expected a secret reference like \${DB_PASSWORD}, got a literal value; put the value in the secrets env file and reference its key [secret-literal]
        32 | database:
      > 33 |   password: *************
           |             ^^^^^^^^^^^^^"
    `);
  });

  it("masks secret-looking values on context lines of other errors", () => {
    const text = edit(BASE_SPEC, "database:\n", "database:\n  password: hunter2-Sup3r\n  usr: immich\n");
    const result = parseSpec(text);
    const rendered = (result.ok ? [] : result.errors).map((d) => formatDiagnosticWithFrame(d, text)).join("\n");
    expect(rendered).toContain('unknown key "usr"');
    expect(rendered).not.toContain("hunter2");
  });

  it("masks the value of a misspelt secret key", () => {
    const text = edit(BASE_SPEC, "    clientId: ${OAUTH_CLIENT_ID}", "    clientId: ${OAUTH_CLIENT_ID}\n    clientSecrt: GOCSPX-hunter2");
    const result = parseSpec(text);
    const [error] = result.ok ? [] : result.errors;
    expect(error && formatDiagnosticWithFrame(error, text)).toMatchInlineSnapshot(`
      "immich-family.yaml:14:5: auth.oauth.clientSecrt: unknown key "clientSecrt" (did you mean "clientSecret"?) [unknown-key]
        13 |     clientId: \${OAUTH_CLIENT_ID}
      > 14 |     clientSecrt: **************
           |     ^^^^^^^^^^^"
    `);
  });

  it("marks warnings", () => {
    const text = edit(BASE_SPEC, "    preset: google", "    preset: entra\n    tenantId: t\n    roleClaim: roles");
    const [warning] = parseSpec(text).warnings;
    expect(warning && formatDiagnosticWithFrame(warning, text).split("\n")[0]).toMatch(
      /^immich-family\.yaml:14:16: warning: auth\.oauth\.roleClaim: .* \[oauth-role-claim\]$/,
    );
  });
});

describe("loadSpecFile", () => {
  it("names the file it read in every diagnostic", async () => {
    const dir = mkdtempSync(join(tmpdir(), "spec-"));
    const file = join(dir, "family.yaml");
    writeFileSync(file, edit(BASE_SPEC, "kind: ImmichFamily", "kind: ImmichFamilly"));
    const result = await loadSpecFile(file);
    expect(result.ok ? [] : result.errors.map((e) => `${e.file}:${e.line}:${e.column} ${e.message}`)).toEqual([
      `${file}:2:7 expected "ImmichFamily", got "ImmichFamilly"`,
    ]);
  });
});
