import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatDiagnosticWithFrame, parseSpec } from "@family/immich-spec";
import { describe, expect, it } from "vitest";
import { runCli, renderEverything } from "../helpers.js";
import { BASE, CORPUS, type HostileCase } from "./corpus.js";

function textOf(c: HostileCase): string {
  if (c.text === "CRLF") return BASE.replace(/\n/g, "\r\n");
  if (c.text !== undefined) return c.text;
  const [from, to] = c.edit ?? ["", ""];
  if (!BASE.includes(from)) throw new Error(`${c.name}: the edit's ${JSON.stringify(from)} is not in the base spec`);
  return BASE.replace(from, () => to);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: no control character of a spec may reach the terminal
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

describe("the hostile corpus", () => {
  it("holds at least 100 specs, each named once", () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(100);
    expect(new Set(CORPUS.map((c) => c.name)).size).toBe(CORPUS.length);
  });

  it.each(CORPUS.map((c) => [c.name, c] as const))("%s", (_, c) => {
    const text = textOf(c);
    const result = parseSpec(text, "hostile.yaml");
    const shown = [...(result.ok ? [] : result.errors), ...result.warnings].map((d) => formatDiagnosticWithFrame(d, text)).join("\n");
    expect({ exit: result.ok ? 0 : 2, shown: shown.includes(c.expect) ? "(contains the fragment)" : shown }).toEqual({
      exit: c.exit,
      shown: "(contains the fragment)",
    });
    expect(shown).not.toMatch(RAW_CONTROL);
    if (result.ok) renderEverything(result.value);
  });
});

describe("built CLI on the corpus", () => {
  const dir = mkdtempSync(join(tmpdir(), "hostile-"));
  const sample = CORPUS.filter((_, i) => i % 10 === 0);

  it.each(sample.map((c) => [c.name, c] as const))("validate: %s", (_, c) => {
    writeFileSync(join(dir, "spec.yaml"), textOf(c));
    const r = runCli(["validate", "spec.yaml"], dir);
    expect(r.status).toBe(c.exit);
    expect(r.stderr).toContain(c.expect);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(RAW_CONTROL);
    expect(r.stderr).not.toContain("internal error");
  });

  it("render, config render, secrets and oauth succeed on a hostile spec that validates", () => {
    const valid = CORPUS.find((c) => c.name === "host path with an escaped $$");
    writeFileSync(join(dir, "valid.yaml"), textOf(valid ?? CORPUS[0]!));
    for (const args of [
      ["render", "valid.yaml", "--out", join(dir, "out")],
      ["config", "render", "valid.yaml", "--target", "compose"],
      ["secrets", "valid.yaml"],
      ["oauth", "redirect-uris", "valid.yaml"],
    ]) {
      const r = runCli(args, dir);
      expect({ args, status: r.status, stderr: r.stderr }).toEqual({ args, status: 0, stderr: expect.not.stringContaining("internal error") });
    }
  });
});
