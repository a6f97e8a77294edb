import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { main as diffMain } from "../../src/commands/diff.js";
import { main as renderMain, render } from "../../src/commands/render.js";
import { EXAMPLES, runCli, runCommand, seen } from "../helpers.js";
import { FOLDER_CORPUS, type FolderCase, type FolderGroup, OUTSIDE_SECRET } from "./folders.js";

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

async function run(c: FolderCase, dir: string, args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  if (c.stdin !== undefined) {
    const r = runCli(args, dir, c.stdin === "SPEC" ? SPEC : c.stdin);
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  const { positional, flags } = parse(args);
  const r = await runCommand(args[0] === "diff" ? diffMain : renderMain, dir, positional, flags);
  return { code: r.code, stdout: r.out, stderr: r.err };
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

/** Run one case in a fresh folder, check what it may change and print, and return what its user sees: the exit code, render's summary lines and stderr. */
async function runCase(c: FolderCase): Promise<string> {
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
  const all = `${r.stdout}\n${r.stderr}`;
  expect({ case: c.name, exit: r.code }).toEqual({ case: c.name, exit: c.exit });
  expect(all, c.name).not.toMatch(RAW_CONTROL);
  expect(all, c.name).not.toContain("internal error");
  expect(all, c.name).not.toContain(OUTSIDE_SECRET);

  const after = snapshot(base);
  // A refused or failed render writes nothing at all; one that ran changes only render's own files.
  const changeable = (rel: string) => r.code === 0 && rel.startsWith("case/") && mayChange(c, rel.slice("case/".length));
  const keep = (s: Record<string, string>) => Object.fromEntries(Object.entries(s).filter(([rel]) => !changeable(rel)));
  expect(keep(after), c.name).toEqual(keep(before));
  for (const gone of c.removes ?? []) expect(after[join("case", gone)], `${c.name}: ${gone}`).toBeUndefined();

  if (c.parity) {
    const diffArgs = ["diff", ...c.args.slice(1)];
    const d = await run(c, dir, diffArgs);
    const dv = verdict(`${d.stdout}\n${d.stderr}`);
    expect({ case: c.name, exit: d.code, verdict: dv }).toEqual({ case: c.name, exit: r.code, verdict: verdict(all) });
    expect(dv.length, c.name).toBeGreaterThan(1);
    expect(snapshot(base), c.name).toEqual(after);
  }
  // Render's summary lines, not its next steps: what a case changes shows in them and on stderr.
  const summary = r.stdout.split("\n\nNext steps")[0] ?? "";
  return seen({ code: r.code ?? -1, out: summary, err: withoutRepeats(r.stderr) })
    .replace(/\bprocess \d+/g, "process <pid>")
    .replace(/not JSON: .*?\)\. Restore/g, "not JSON: <the JSON parser's message, Node's own>). Restore");
}

/** A warning of the spec with its code frame, and the blank line after it. */
const WARNING = /^\S+:\d+:\d+: warning: .*\n(?:[ >].*\|.*\n)*\n?/gm;

/**
 * Stderr without what would repeat in case after case: the spec's warnings (pinned in render.test.ts)
 * and the lines of the diffs a refusal ends with, of which only the headers stay.
 */
function withoutRepeats(stderr: string): string {
  const lines = stderr.replace(WARNING, "").split("\n");
  const at = lines.findIndex((l) => l.startsWith("--- a/"));
  if (at < 0) return lines.join("\n");
  const diff = lines.slice(at);
  const headers = diff.filter((l) => /^(---|\+\+\+) /.test(l));
  return [...lines.slice(0, at), ...headers, `(and ${diff.length - headers.length} lines of diff)`].join("\n");
}

/** Every case of a group, one after the other, each headed by its name. */
async function runGroup(cases: readonly FolderCase[]): Promise<string> {
  const shown: string[] = [];
  for (const c of cases) shown.push(`# ${c.name}\n${await runCase(c)}`);
  return shown.join("\n\n");
}

/** Each group's cases as their user sees them, one inline snapshot per group. */
const PINNED: Record<FolderGroup, (shown: string) => void> = {
  "the record grants nothing by itself": (shown) =>
    expect(shown).toMatchInlineSnapshot(`
      "# record lists a database file with its hash
      exit 0
      --- stdout
      compose: out: 4 files (0 new, 3 changed, 1 unchanged), 1 removed
      --- stderr
      note: out/.immich-family-render.json lists "data/db/PG_VERSION", a file render never writes here: ignored (render neither overwrites nor removes it).

      # record lists a database file, forced
      exit 0
      --- stdout
      compose: out: 5 files (0 new, 0 changed, 5 unchanged), 0 removed
      --- stderr
      note: out/.immich-family-render.json lists "data/db/PG_VERSION", a file render never writes here: ignored (render neither overwrites nor removes it).

      # record lists the secrets env file
      exit 0
      --- stdout
      compose: out: 5 files (0 new, 0 changed, 5 unchanged), 0 removed
      --- stderr
      note: out/.immich-family-render.json lists ".env", a file render never writes here: ignored (render neither overwrites nor removes it).

      # record lists a path out of the folder
      exit 0
      --- stdout
      compose: out: 5 files (0 new, 0 changed, 5 unchanged), 0 removed
      --- stderr
      note: out/.immich-family-render.json lists "../../outside/secret", a file render never writes here: ignored (render neither overwrites nor removes it).

      # record lists an absolute path
      exit 0
      --- stdout
      compose: out: 5 files (0 new, 0 changed, 5 unchanged), 0 removed
      --- stderr
      note: out/.immich-family-render.json lists "<tmp>/outside/secret", a file render never writes here: ignored (render neither overwrites nor removes it).

      # record lists the other target's file
      exit 0
      --- stdout
      compose: out: 5 files (0 new, 0 changed, 5 unchanged), 0 removed
      --- stderr
      note: out/.immich-family-render.json lists "worker.yaml", a file render never writes here: ignored (render neither overwrites nor removes it).

      # record keys named like Object.prototype members
      exit 0
      --- stdout
      compose: out: 5 files (0 new, 0 changed, 5 unchanged), 0 removed
      --- stderr
      note: out/.immich-family-render.json lists "constructor", a file render never writes here: ignored (render neither overwrites nor removes it).
      note: out/.immich-family-render.json lists "__proto__", a file render never writes here: ignored (render neither overwrites nor removes it).
      note: out/.immich-family-render.json lists "toString", a file render never writes here: ignored (render neither overwrites nor removes it).

      # record entry with control characters in its name
      exit 0
      --- stdout
      compose: out: 5 files (0 new, 0 changed, 5 unchanged), 0 removed
      --- stderr
      note: out/.immich-family-render.json lists "\\u001b[2Jevil\\nname", a file render never writes here: ignored (render neither overwrites nor removes it).

      # record entry whose hash is not a SHA-256
      exit 0
      --- stdout
      compose: out: 5 files (0 new, 0 changed, 5 unchanged), 0 removed
      --- stderr
      note: out/.immich-family-render.json: the hash of "compose.yaml" is not a SHA-256: ignored (render treats the file as not on its record).

      # record that is not JSON
      exit 1
      --- stderr
      error: render stopped before writing anything: 2 problems in the output folder
        out/.immich-family-render.json is not a record render can read (not JSON: <the JSON parser's message, Node's own>). Restore it, or pass --force to adopt the folder: render will then delete nothing.
        out/worker-spec.yaml holds an immich-family spec that render did not write as it is; render never overwrites or removes a spec, even with --force. Move it out of the folder and render again.

      # record of 2 MiB
      exit 1
      --- stderr
      error: render stopped before writing anything: 2 problems in the output folder
        out/.immich-family-render.json is not a record render can read (it is 2097173 bytes, over the limit of 1048576). Restore it, or pass --force to adopt the folder: render will then delete nothing.
        out/worker-spec.yaml holds an immich-family spec that render did not write as it is; render never overwrites or removes a spec, even with --force. Move it out of the folder and render again.

      # record that is a link to a file outside
      exit 1
      --- stderr
      error: render stopped before writing anything: 2 problems in the output folder
        out/.immich-family-render.json is not a record render can read (it is a symbolic link; render never follows one). Restore it, or pass --force to adopt the folder: render will then delete nothing.
        out/worker-spec.yaml holds an immich-family spec that render did not write as it is; render never overwrites or removes a spec, even with --force. Move it out of the folder and render again.

      # record that is a folder
      exit 1
      --- stderr
      error: render stopped before writing anything: 2 problems in the output folder
        out/.immich-family-render.json is not a record render can read (it is not a file). Restore it, or pass --force to adopt the folder: render will then delete nothing.
        out/worker-spec.yaml holds an immich-family spec that render did not write as it is; render never overwrites or removes a spec, even with --force. Move it out of the folder and render again.

      # record whose files is a list
      exit 1
      --- stderr
      error: render stopped before writing anything: 2 problems in the output folder
        out/.immich-family-render.json is not a record render can read ("files" is not an object). Restore it, or pass --force to adopt the folder: render will then delete nothing.
        out/worker-spec.yaml holds an immich-family spec that render did not write as it is; render never overwrites or removes a spec, even with --force. Move it out of the folder and render again."
    `),
  "links, pipes and big files in the folder": (shown) =>
    expect(shown).toMatchInlineSnapshot(`
    "# a rendered file replaced by a link to a file outside
    exit 1
    --- stderr
    error: render stopped before writing anything: 1 problem in the output folder
      out/README.md is a symbolic link; render writes a file there and never follows a link. Move it away.

    # a link where a new file goes
    exit 1
    --- stderr
    error: render stopped before writing anything: 1 problem in the output folder
      out/compose.yaml is a symbolic link; render writes a file there and never follows a link. Move it away.

    # the worker's copy is a link to the spec
    exit 1
    --- stderr
    error: render stopped before writing anything: 1 problem in the output folder
      out/worker-spec.yaml is a symbolic link; render writes a file there and never follows a link. Move it away.

    # a file render no longer writes replaced by a link out
    exit 0
    --- stdout
    compose: out: 4 files (0 new, 3 changed, 1 unchanged), 0 removed
    --- stderr
    note: out/worker-spec.yaml is on render's record but is no longer a file render wrote (a link, folder or pipe): left as it is.

    # --out is a link to a folder (the user's choice)
    exit 0
    --- stdout
    compose: out: 5 files (5 new, 0 changed, 0 unchanged), 0 removed

    # a FIFO where a rendered file goes
    exit 1
    --- stderr
    error: render stopped before writing anything: 1 problem in the output folder
      out/compose.yaml: render writes a file there, but something else is in the way. Move it away.

    # a folder where a rendered file goes
    exit 1
    --- stderr
    error: render stopped before writing anything: 1 problem in the output folder
      out/compose.yaml: render writes a file there, but something else is in the way. Move it away.

    # a rendered file grown to 5 MiB
    exit 1
    --- stderr
    error: render stopped before writing anything: 1 problem in the output folder
      out/README.md was edited since the last render (5242880 bytes: too big to compare). Move the change into the spec, or pass --force to overwrite it.
    Render owns only the files listed in each folder's .immich-family-render.json; \`immich-family diff\` shows every change it would make.
    --- a/out/README.md
    +++ b/out/README.md
    (and 75 lines of diff)

    # --out is a file
    exit 1
    --- stderr
    error: render stopped before writing anything: 1 problem in the output folder
      out is not a folder; render writes a folder there. Pick another --out.

    # --out with control characters, a file
    exit 1
    --- stderr
    error: render stopped before writing anything: 1 problem in the output folder
      o\\x1B[2J\\nut is not a folder; render writes a folder there. Pick another --out."
  `),
  "one render at a time": (shown) =>
    expect(shown).toMatchInlineSnapshot(`
    "# a live render's lock
    exit 1
    --- stderr
    error: render stopped before writing anything: 1 problem in the output folder
      out is locked: another render (process <pid>, started 2026-12-06T08:00:00.000Z) is writing it (out/.immich-family-render.lock). Wait for it to finish; if no render runs, remove the lock file.

    # a stale lock of a dead process
    exit 0
    --- stdout
    compose: out: 5 files (0 new, 0 changed, 5 unchanged), 0 removed
    --- stderr
    note: out: took over the lock of render process <pid> (started 2026-12-06T08:00:00.000Z), which is no longer running.

    # a lock that names no process
    exit 0
    --- stdout
    compose: out: 5 files (0 new, 0 changed, 5 unchanged), 0 removed
    --- stderr
    note: out: took over a lock that names no process (an interrupted render's).

    # a lock with control characters in its host
    exit 1
    --- stderr
    error: render stopped before writing anything: 1 problem in the output folder
      out is locked: another render (process <pid> on evil\\x1B]0;pwned\\x07, started x) is writing it (out/.immich-family-render.lock). Wait for it to finish; if no render runs, remove the lock file."
  `),
  "temporary files of killed renders": (shown) =>
    expect(shown).toMatchInlineSnapshot(`
    "# a killed render's temporary copy of a rendered file
    exit 0
    --- stdout
    compose: out: 5 files (0 new, 0 changed, 5 unchanged), 0 removed
    --- stderr
    note: out: removed a temporary file an interrupted render left: .compose.yaml.0123456789ab.tmp

    # a killed render's temporary record and lock
    exit 0
    --- stdout
    compose: out: 5 files (0 new, 0 changed, 5 unchanged), 0 removed
    --- stderr
    note: out: removed 2 temporary files an interrupted render left: ..immich-family-render.json.0123456789ab.tmp, ..immich-family-render.lock.0123456789ab.tmp

    # a user's file named like a temporary file
    exit 0
    --- stdout
    compose: out: 5 files (0 new, 0 changed, 5 unchanged), 0 removed

    # a link named like a temporary file
    exit 0
    --- stdout
    compose: out: 5 files (0 new, 0 changed, 5 unchanged), 0 removed"
  `),
  "the spec in the folder": (shown) =>
    expect(shown).toMatchInlineSnapshot(`
    "# in place: render --out . beside the spec
    exit 0
    --- stdout
    compose: .: 5 files (5 new, 0 changed, 0 unchanged), 0 removed

    # in place, forced, beside the spec and a record of an earlier release
    exit 0
    --- stdout
    compose: .: 5 files (5 new, 0 changed, 0 unchanged), 0 removed
    --- stderr
    note: immich-family.yaml: an earlier release wrote the worker's copy of the spec under this name; it is now written under its own name, so render no longer lists "immich-family.yaml" and never touches it. Delete it yourself if it is not your spec.

    # in place beside a stranger's files, no record
    exit 1
    --- stderr
    error: render stopped before writing anything: 1 problem in the output folder
      . is not empty and has no .immich-family-render.json: render did not write it. Render into an empty folder, or pass --force to adopt it: render will still delete nothing it did not write.
    Render owns only the files listed in each folder's .immich-family-render.json; \`immich-family diff\` shows every change it would make.

    # the spec named like a rendered file
    exit 1
    --- stderr
    error: render stopped before writing anything: 1 problem in the output folder
      compose.yaml is the spec being rendered; render never writes, replaces or removes it. Render into another folder (--out).

    # a spec where the worker's copy goes, not on the record, forced
    exit 1
    --- stderr
    error: render stopped before writing anything: 1 problem in the output folder
      out/worker-spec.yaml holds an immich-family spec that render did not write as it is; render never overwrites or removes a spec, even with --force. Move it out of the folder and render again."
  `),
  "specs from standard input": (shown) =>
    expect(shown).toMatchInlineSnapshot(`
    "# stdin: render - --out . --force beside the spec
    exit 0
    --- stdout
    compose: .: 5 files (5 new, 0 changed, 0 unchanged), 0 removed

    # stdin: an edited worker's copy is never replaced from a pipe
    exit 1
    --- stderr
    error: render stopped before writing anything: 1 problem in the output folder
      out/worker-spec.yaml holds an immich-family spec that render did not write as it is; render never overwrites or removes a spec, even with --force. Move it out of the folder and render again.

    # stdin: empty
    exit 2
    --- stderr
    error: <stdin> is not a valid spec (1 error); run \`immich-family validate <stdin>\` after fixing it
    <stdin>:1:1: the spec is empty: expected a mapping with apiVersion, kind, metadata, immich, hosts, members and targets [empty]
    > 1 | 
        | ^

    # stdin: over 1 MiB
    exit 2
    --- stderr
    error: <stdin>:1:1: the spec is over 1 MiB; a spec may be at most 1 MiB (it holds settings, not data) [too-large]

    # a spec path with control characters that does not exist
    exit 2
    --- stderr
    error: No spec at spec\\x1B[31m.yaml. Check the path, or run \`immich-family init spec\\x1B[31m.yaml\` to create one."
  `),
};

const GROUPS = Object.entries(FOLDER_CORPUS) as [FolderGroup, readonly FolderCase[]][];
const CASES = GROUPS.flatMap(([, cases]) => cases);

describe("the hostile folder corpus: render and diff on crafted and broken output folders", () => {
  it("holds at least 35 cases, each named once, with a refusal table for diff", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(35);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    expect(CASES.filter((c) => c.parity).length).toBeGreaterThanOrEqual(15);
  });

  it.each(GROUPS.map(([group]) => group))("%s", async (group) => {
    PINNED[group](await runGroup(FOLDER_CORPUS[group]));
  });
});
