import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseSpec } from "@family/immich-spec";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { main } from "../../src/commands/import.js";
import { runCli, runCommand } from "../helpers.js";
import { IMPORT_CORPUS, type ImportCase } from "./import-corpus.js";

// biome-ignore lint/suspicious/noControlCharactersInRegex: no control character of a folder may reach the terminal or the spec
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]/;

const root = mkdtempSync(join(tmpdir(), "hostile-import-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fresh folder holding `in/` as the case describes it (and `loop`, a link to itself). */
function build(c: ImportCase, i: number): string {
  const dir = join(root, String(i));
  mkdirSync(join(dir, "in"), { recursive: true });
  symlinkSync("loop", join(dir, "loop"));
  for (const [rel, entry] of Object.entries(c.files)) {
    const path = join(dir, "in", rel);
    mkdirSync(dirname(path), { recursive: true });
    if (typeof entry === "string") writeFileSync(path, entry);
    else if ("fifo" in entry) execFileSync("mkfifo", [path]);
    else if ("link" in entry) symlinkSync(entry.link, path);
    else mkdirSync(path);
  }
  return dir;
}

describe("the import corpus", () => {
  it("holds at least 30 folders, each named once", () => {
    expect(IMPORT_CORPUS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(IMPORT_CORPUS.map((c) => c.name)).size).toBe(IMPORT_CORPUS.length);
  });

  it.each(IMPORT_CORPUS.map((c, i) => [c.name, c, i] as const))("%s", async (_, c, i) => {
    const dir = build(c, i);
    const r = await runCommand(main, dir, [], { ...c.flags, out: "spec.yaml" }, c.env ?? {});
    const shown = c.exit === 0 ? r.out : r.err;
    expect({ exit: r.code, shown: shown.includes(c.expect) ? "(contains the fragment)" : shown }).toEqual({ exit: c.exit, shown: "(contains the fragment)" });
    expect(`${r.out}${r.err}`).not.toMatch(RAW_CONTROL);
    if (c.exit === 0) {
      const spec = readFileSync(join(dir, "spec.yaml"), "utf8");
      expect(spec).not.toMatch(RAW_CONTROL);
      for (const s of c.spec ?? []) expect(spec).toContain(s);
      // Nothing planted: no folder maps a login, so the spec has none and password login stays on.
      expect(parse(spec).auth).toBeUndefined();
      const valid = parseSpec(spec, "spec.yaml");
      expect(valid.ok && valid.value.auth).toEqual({ passwordLogin: true });
    } else {
      // A refusal writes nothing.
      expect(() => readFileSync(join(dir, "spec.yaml"))).toThrow();
    }
  });
});

describe("built CLI on the import corpus", () => {
  const sample = IMPORT_CORPUS.filter((c, i) => i % 4 === 0 || c.name.includes("FIFO"));

  it.each(sample.map((c) => [c.name, c, IMPORT_CORPUS.indexOf(c)] as const))("%s", (_, c, i) => {
    const dir = build(c, 1000 + i);
    const args = ["import", ...Object.entries(c.flags).flatMap(([k, v]) => [`--${k}`, v]), "--out", "spec.yaml"];
    const r = runCli(args, dir);
    expect(r.status).toBe(c.exit);
    expect(c.exit === 0 ? r.stdout : r.stderr).toContain(c.expect);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(RAW_CONTROL);
    expect(r.stderr).not.toContain("internal error");
  });
});
