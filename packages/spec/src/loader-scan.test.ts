import { describe, expect, it } from "vitest";
import { BASE_SPEC, diagnose, edit } from "../test/helpers.js";
import { escapeControl, formatDiagnosticWithFrame, parseSpec, SPEC_LIMITS } from "./index.js";

describe("input limits", () => {
  it("refuses a spec over 1 MiB before parsing it, at 1:1", () => {
    const text = `${BASE_SPEC}# ${"x".repeat(SPEC_LIMITS.bytes)}\n`;
    expect(diagnose(text)).toEqual(["spec.yaml:1:1: the spec is 1.0 MiB; a spec may be at most 1 MiB (it holds settings, not data) [too-large]"]);
  });

  it("counts bytes, not characters", () => {
    const text = `${BASE_SPEC}# ${"é".repeat(SPEC_LIMITS.bytes / 2)}\n`;
    expect(diagnose(text)[0]).toMatch(/\[too-large\]$/);
  });

  it("refuses one value over 64 KiB at its position, and reports nothing else", () => {
    const text = edit(BASE_SPEC, "    name: Bob", `    name: ${"b".repeat(SPEC_LIMITS.scalarBytes + 1)}\n    nam: typo`);
    expect(diagnose(text)).toEqual(["spec.yaml:22:11: members.bob.name: this value is 65 KiB; a single value may be at most 64 KiB [too-large]"]);
  });

  it("refuses an oversized key", () => {
    const text = edit(BASE_SPEC, "  bob:\n", `  ? ${"k".repeat(SPEC_LIMITS.scalarBytes + 10)}\n  : 1\n  bob:\n`);
    expect(diagnose(text)[0]).toMatch(/^spec\.yaml:21:5: members\.k+: this key is 65 KiB; .* \[too-large\]$/);
  });

  it("accepts a value of exactly 64 KiB as far as the limits go", () => {
    const text = edit(BASE_SPEC, "    name: Bob", `    name: ${"b".repeat(SPEC_LIMITS.scalarBytes)}`);
    expect(diagnose(text)).toEqual([]);
  });

  it.each([
    ["flow lists", `members: ${"[".repeat(20_000)}${"]".repeat(20_000)}\n`, "spec.yaml:1:73"],
    ["block mappings", Array.from({ length: 200 }, (_, i) => `${" ".repeat(i)}a:`).join("\n"), "spec.yaml:65:1"],
    ["list markers", `members:\n  ${"- ".repeat(100)}x\n`, "spec.yaml:2:1"],
  ])("refuses %s nested deeper than the limit before the parser recurses", (_, text, at) => {
    expect(diagnose(text)).toEqual([`${at}: the spec nests mappings and lists more than 64 levels deep [too-deep]`]);
  });
});

describe("control characters", () => {
  it("are refused in values, at the value, and escaped in the message and frame", () => {
    const text = edit(BASE_SPEC, "    name: Bob", '    name: "Bob\\e[2J\\e]0;pwned\\a"');
    const result = parseSpec(text, "spec.yaml");
    const errors = result.ok ? [] : result.errors;
    expect(errors.map((e) => `${e.line}:${e.column} ${e.path} ${e.message} [${e.code}]`)).toEqual([
      "22:11 members.bob.name control character \\x1B in a value; remove it (only tab and newline are allowed in values) [control-character]",
    ]);
  });

  it("raw in the text never reach the frame unescaped", () => {
    const text = edit(BASE_SPEC, "    name: Bob", "    name: Bob\x1b[31mred\x1b[0m\n    nmae: \x1b]0;x\x07");
    const result = parseSpec(text, "spec.yaml");
    const shown = (result.ok ? [] : result.errors).map((d) => formatDiagnosticWithFrame(d, text)).join("\n");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no control character may reach the terminal
    expect(shown).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    expect(shown).toContain("Bob\\x1B[31mred\\x1B[0m");
  });

  it("are refused in keys, and an unknown key's message escapes it", () => {
    expect(diagnose(edit(BASE_SPEC, "    name: Bob", '    "na\\u009bme": Bob'))).toEqual([
      "spec.yaml:22:5: members.bob.na\\x9Bme: control character \\x9B in a key; remove it [control-character]",
      "spec.yaml:21:3: members.bob.name: missing required key name [missing-key]",
      'spec.yaml:22:5: members.bob.na\\x9Bme: unknown key "na\\x9Bme" (did you mean "name"?) [unknown-key]',
    ]);
  });

  it("allow tab and newline in values", () => {
    expect(diagnose(edit(BASE_SPEC, "    name: Bob", '    name: "Bob\\tthe\\nbuilder"'))).toEqual([]);
  });

  it("NUL bytes in a name are refused", () => {
    expect(diagnose(edit(BASE_SPEC, "    name: Bob", '    name: "Bo\\0b"'))).toEqual([
      "spec.yaml:22:11: members.bob.name: control character \\x00 in a value; remove it (only tab and newline are allowed in values) [control-character]",
    ]);
  });

  it("escapeControl writes every unsafe character as an escape", () => {
    expect(escapeControl("a\x1b[0m\nb\tc\u202ed\x7f\x85")).toBe("a\\x1B[0m\\nb\\tc\\u202Ed\\x7F\\x85");
  });
});

describe("every problem at once", () => {
  it("runs the cross-field rules on the sections that parsed while others have schema errors", () => {
    const text = edit(edit(BASE_SPEC, "  postgresMajor: 16", "  postgresMajor: twelve"), "    owner: ann", "    owner: anne");
    expect(diagnose(text)).toEqual([
      'spec.yaml:33:18: database.postgresMajor: expected an integer, got "twelve" [invalid-type]',
      'spec.yaml:26:12: libraries.photos.owner: library owner "anne" is not a declared member (did you mean "ann"?); members: ann, bob [library-owner]',
    ]);
  });

  it("skips a rule whose section failed, and keeps one target when the other fails", () => {
    const text = edit(
      edit(BASE_SPEC, "    user: { uid: 1000, gid: 1000 }", "    user: { uid: 1000, gid: many }"),
      "      photos:\n        nfs",
      "      fotos:\n        nfs",
    );
    expect(diagnose(text)).toEqual([
      'spec.yaml:41:29: targets.compose.user.gid: expected an integer, got "many" [invalid-type]',
      'spec.yaml:37:5: targets.kubernetes.libraries.photos: library "photos" (/mnt/photos) has no source in targets.kubernetes.libraries; add photos: { nfs: { server, share } } or { existingClaim: <pvc> } [library-targets]',
      'spec.yaml:38:7: targets.kubernetes.libraries.fotos: "fotos" is not a declared library (did you mean "photos"?); libraries: photos [library-targets]',
    ]);
  });
});

describe("code frames of long lines", () => {
  it("show a window around the node, never the whole 70 KiB value", () => {
    const text = edit(BASE_SPEC, "    name: Bob", `    name: ${"b".repeat(70 * 1024)}`);
    const result = parseSpec(text, "spec.yaml");
    const [error] = result.ok ? [] : result.errors;
    const frame = error ? formatDiagnosticWithFrame(error, text) : "";
    expect(frame.split("\n").slice(1)).toEqual(["  21 |   bob:", `> 22 |     name: ${"b".repeat(150)}…`, `     |           ${"^".repeat(150)}`]);
  });

  it("keep the caret under a node far to the right", () => {
    const text = edit(
      BASE_SPEC,
      "  bob:\n    name: Bob\n    email: bob@smith.family",
      `  bob: { email: bob@smith.family, name: ${"b".repeat(300)}, nmae: Bob }`,
    );
    const result = parseSpec(text, "spec.yaml");
    const [error] = result.ok ? [] : result.errors;
    const frame = (error ? formatDiagnosticWithFrame(error, text) : "").split("\n");
    expect(frame[0]).toBe('spec.yaml:21:343: members.bob.nmae: unknown key "nmae" (did you mean "name"?) [unknown-key]');
    expect(frame.slice(2)).toEqual([`> 21 | …${"b".repeat(38)}, nmae: Bob }`, `     | ${" ".repeat(41)}^^^^`]);
  });
});
