import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { main as diffMain } from "../../src/commands/diff.js";
import { main as renderMain, render } from "../../src/commands/render.js";
import { EXAMPLES, runCli, runCommand } from "../helpers.js";
import { FOLDER_CORPUS, type FolderCase, OUTSIDE_SECRET } from "./folders.js";

// biome-ignore lint/suspicious/noControlCharactersInRegex: no control character may reach the terminal
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
const SPEC = readFileSync(join(EXAMPLES, "family.yaml"), "utf8");

/** Every entry under `root`, links and pipes as such (never followed), files by their content's hash. */
function snapshot(root: string): Record<string, string> {
  const all: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const st = lstatSync(path);
      const rel = relative(root, path);
      if (st.isSymbolicLink()) all[rel] = `link -> ${readlinkSync(path)}`;
      else if (st.isDirectory()) {
        all[rel] = "folder";
        walk(path);
      } else if (st.isFile()) all[rel] = createHash("sha256").update(readFileSync(path)).digest("hex");
      else all[rel] = "other";
    }
  };
  walk(root);
  return all;
}

/** The command line as the entry point hands it to a command: positionals, then flags by their camel-cased names. */
function parse(args: readonly string[]): { positional: string[]; flags: Record<string, unknown> } {
  const positional: string[] = [];
  const flags: Record<string, unknown> = {};
  for (let i = 1; i < args.length; i++) {
    const a = args[i] ?? "";
    if (a === "--force") flags.force = true;
    else if (a.startsWith("--")) flags[a.slice(2)] = args[++i];
    else positional.push(a);
  }
  return { positional, flags };
}

async function run(c: FolderCase, dir: string, args: readonly string[]): Promise<{ code: number | null; out: string }> {
  if (c.stdin !== undefined) {
    const r = runCli(args, dir, c.stdin === "SPEC" ? SPEC : c.stdin);
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  }
  const { positional, flags } = parse(args);
  const r = await runCommand(args[0] === "diff" ? diffMain : renderMain, dir, positional, flags);
  return { code: r.code, out: `${r.out}\n${r.err}` };
}

/** The error line a refused render or diff ends with, and its refusals (the indented lines after it). */
function verdict(out: string): string[] {
  const lines = out.split("\n");
  const at = lines.findIndex((l) => l.startsWith("error: "));
  if (at < 0) return [];
  const refusals = [];
  for (const line of lines.slice(at + 1)) {
    if (!line.startsWith("  ")) break;
    refusals.push(line);
  }
  return [lines[at] ?? "", ...refusals];
}

/** What a case may change: render's own files in its output folder, and the temporary files it names. */
function mayChange(c: FolderCase, rel: string): boolean {
  const outIndex = c.args.indexOf("--out");
  const outDir = c.writesIn ?? (outIndex >= 0 ? (c.args[outIndex + 1] ?? "") : "rendered");
  const base = relative(outDir === "." ? "" : outDir, rel);
  const owned = [
    "compose.yaml",
    "immich-config.yaml.tmpl",
    ".env.example",
    "README.md",
    "worker-spec.yaml",
    ".immich-family-render.json",
    ".immich-family-render.lock",
  ];
  return rel === outDir || (!base.startsWith("..") && owned.includes(base)) || (c.removes ?? []).includes(rel);
}

describe("the hostile folder corpus: render and diff on crafted and broken output folders", () => {
  it("holds at least 35 cases, each named once, with a refusal table for diff", () => {
    expect(FOLDER_CORPUS.length).toBeGreaterThanOrEqual(35);
    expect(new Set(FOLDER_CORPUS.map((c) => c.name)).size).toBe(FOLDER_CORPUS.length);
    expect(FOLDER_CORPUS.filter((c) => c.parity).length).toBeGreaterThanOrEqual(15);
  });

  it.each(FOLDER_CORPUS.map((c) => [c.name, c] as const))("%s", async (_, c) => {
    const base = mkdtempSync(join(tmpdir(), "hostile-folder-"));
    mkdirSync(join(base, "outside"));
    writeFileSync(join(base, "outside", "secret"), OUTSIDE_SECRET);
    const dir = join(base, "case");
    mkdirSync(dir);
    writeFileSync(join(dir, "immich-family.yaml"), SPEC);
    if (c.start === "rendered") await render(dir, undefined, { target: "compose", out: "out" });
    c.setup?.(dir);
    const before = snapshot(base);

    const r = await run(c, dir, c.args);
    expect({ exit: r.code, shown: r.out.includes(c.expect) ? "(contains the fragment)" : r.out }).toEqual({ exit: c.exit, shown: "(contains the fragment)" });
    expect(r.out).not.toMatch(RAW_CONTROL);
    expect(r.out).not.toContain("internal error");
    expect(r.out).not.toContain(OUTSIDE_SECRET);

    const after = snapshot(base);
    // A refused or failed render writes nothing at all; one that ran changes only render's own files.
    const changeable = (rel: string) => r.code === 0 && rel.startsWith("case/") && mayChange(c, rel.slice("case/".length));
    const keep = (s: Record<string, string>) => Object.fromEntries(Object.entries(s).filter(([rel]) => !changeable(rel)));
    expect(keep(after)).toEqual(keep(before));
    for (const gone of c.removes ?? []) expect(after[join("case", gone)]).toBeUndefined();

    if (c.parity) {
      const diffArgs = ["diff", ...c.args.slice(1)];
      const d = await run(c, dir, diffArgs);
      expect({ exit: d.code, verdict: verdict(d.out) }).toEqual({ exit: r.code, verdict: verdict(r.out) });
      expect(verdict(d.out).length).toBeGreaterThan(1);
      expect(snapshot(base)).toEqual(after);
    }
  });
});
