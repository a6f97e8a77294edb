import { type Dirent, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLES, runCli, recordingIo, commandContext, runCommand, seen } from "../../test/helpers.js";
import { type DiffResult, diff, main } from "./diff.js";
import { render } from "./render.js";

const family = join(EXAMPLES, "family.yaml");
const truenas = join(EXAMPLES, "truenas.yaml");
const temp = () => mkdtempSync(join(tmpdir(), "immich-family-diff-"));

/** Every file under `dir` with its content and modification time: what "writes nothing" must keep. */
function tree(dir: string): Record<string, string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e: Dirent) => e.isFile());
  return Object.fromEntries(
    files.map((e) => {
      const path = join(e.parentPath, e.name);
      return [relative(dir, path), `${statSync(path).mtimeMs} ${readFileSync(path, "utf8")}`];
    }),
  );
}

describe("diff", () => {
  it("shows a first render as new files, each a unified diff against /dev/null", async () => {
    const cwd = temp();
    const result = await diff(cwd, truenas, { out: "out" });
    expect(result.changed).toBe(true);
    expect(result.outputs).toEqual([
      {
        target: "compose",
        dir: "out",
        created: ["compose.yaml", "immich-config.yaml.tmpl", ".env.example", "README.md"],
        changed: [],
        removed: [],
        edited: [],
        unrecorded: [],
        refusals: [],
        notes: [],
      },
    ]);
    expect(result.patch).toContain("--- /dev/null\n+++ b/out/compose.yaml\n@@ -0,0 +1,");
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("flags an edited file and a file render would remove, and a spec change as a changed file", async () => {
    const cwd = temp();
    await render(cwd, family, { target: "compose", out: "out" });
    writeFileSync(join(cwd, "out/README.md"), "my own readme\n");
    const spec = readFileSync(family, "utf8").replace("debounce: 1m", "enabled: false");
    writeFileSync(join(cwd, "spec.yaml"), spec);
    const result = await diff(cwd, "spec.yaml", { target: "compose", out: "out" });
    expect(result.outputs[0]).toMatchObject({
      changed: expect.arrayContaining(["compose.yaml", "README.md"]),
      removed: ["worker-spec.yaml"],
      edited: ["README.md"],
    });
    expect(result.patch).toContain("-my own readme\n");
    // What the user reads: one header per file in the patch, then per folder its counts, the edited files and the summary.
    const r = await runCommand(main, cwd, ["spec.yaml"], { target: "compose", out: "out" });
    expect(r.code).toBe(1);
    expect(r.out.split("\n").filter((l) => /^(---|\+\+\+) /.test(l))).toMatchInlineSnapshot(`
      [
        "--- a/out/compose.yaml",
        "+++ b/out/compose.yaml",
        "--- a/out/.env.example",
        "+++ b/out/.env.example",
        "--- a/out/README.md",
        "+++ b/out/README.md",
        "--- a/out/worker-spec.yaml",
        "+++ /dev/null",
      ]
    `);
    expect(r.err).toMatchInlineSnapshot(`
      "compose: out: 0 new, 3 changed, 1 removed
        edited since the last render (render refuses them without --force): README.md
      Summary: render would stop without writing anything
      error: render stopped before writing anything: 1 problem in the output folder
        out/README.md was edited since the last render (see its diff). Move the change into the spec, or pass --force to overwrite it.
      Render owns only the files listed in each folder's .immich-family-render.json; \`immich-family diff\` shows every change it would make."
    `);
  });
});

describe("diff --output json", () => {
  it("gives CI the changes per folder and the patch, with the same exit code", async () => {
    const cwd = temp();
    const io = recordingIo();
    const ctx = commandContext(cwd, io);
    expect(await main(ctx, [truenas], { out: "out", output: "json" })).toBe(1);
    const result = JSON.parse(io.out.join("")) as DiffResult;
    expect(result).toMatchObject({ changed: true, outputs: [{ target: "compose", dir: "out", removed: [], edited: [] }] });
    expect(result.outputs[0]?.created).toContain("compose.yaml");
    expect(result.patch).toContain("+++ b/out/compose.yaml\n");
    await render(cwd, truenas, { out: "out" });
    const again = recordingIo();
    expect(await main({ ...ctx, io: again }, [truenas], { out: "out", output: "json" })).toBe(0);
    expect(JSON.parse(again.out.join(""))).toMatchObject({ changed: false, patch: "" });
  });
});

describe("the built CLI's diff", () => {
  it("exits 0 when nothing would change, 1 when something would, 2 for invalid input, and writes nothing", () => {
    const cwd = temp();
    expect(runCli(["render", family, "--out", "r"], cwd).status).toBe(0);
    const rendered = tree(cwd);

    const same = runCli(["diff", family, "--out", "r"], cwd);
    expect(seen(same)).toMatchInlineSnapshot(`
      "exit 0
      --- stderr
      kubernetes: r/kubernetes: 0 new, 0 changed, 0 removed
      compose: r/compose: 0 new, 0 changed, 0 removed
      Summary: render would change nothing"
    `);

    writeFileSync(join(cwd, "r/compose/compose.yaml"), `${readFileSync(join(cwd, "r/compose/compose.yaml"), "utf8")}# mine\n`);
    const edited = tree(cwd);
    const changed = runCli(["diff", family, "--out", "r"], cwd);
    expect(seen(changed)).toMatchInlineSnapshot(`
      "exit 1
      --- stdout
      --- a/r/compose/compose.yaml
      +++ b/r/compose/compose.yaml
      @@ -307,5 +307,4 @@
         egress:
           name: rincewind-egress
       volumes:
         worker-state: {}
      -# mine
      --- stderr
      kubernetes: r/kubernetes: 0 new, 0 changed, 0 removed
      compose: r/compose: 0 new, 1 changed, 0 removed
        edited since the last render (render refuses them without --force): compose.yaml
      Summary: render would stop without writing anything
      error: render stopped before writing anything: 1 problem in the output folders
        r/compose/compose.yaml was edited since the last render (see its diff). Move the change into the spec, or pass --force to overwrite it.
      Render owns only the files listed in each folder's .immich-family-render.json; \`immich-family diff\` shows every change it would make."
    `);
    expect(tree(cwd)).toEqual(edited);

    // A first render: every file new, each a diff against /dev/null (only the headers pinned here).
    const fresh = runCli(["diff", family, "--target", "kubernetes", "--out", "new"], cwd);
    expect(fresh.status).toBe(1);
    expect(fresh.stdout.split("\n").filter((l) => l.startsWith("+++ "))).toMatchInlineSnapshot(`
      [
        "+++ b/new/namespace.yaml",
        "+++ b/new/database.yaml",
        "+++ b/new/redis.yaml",
        "+++ b/new/machine-learning.yaml",
        "+++ b/new/upload.yaml",
        "+++ b/new/library-family.yaml",
        "+++ b/new/library-travel.yaml",
        "+++ b/new/server.yaml",
        "+++ b/new/ingress.yaml",
        "+++ b/new/worker.yaml",
        "+++ b/new/network-policies.yaml",
        "+++ b/new/kustomization.yaml",
        "+++ b/new/secrets.env.example",
        "+++ b/new/README.md",
      ]
    `);
    expect(fresh.stderr).toMatchInlineSnapshot(`
      "kubernetes: new: 14 new, 0 changed, 0 removed
      Summary: render would change the folders above
      "
    `);

    const invalid = runCli(["diff", family, "--target", "swarm", "--out", "r"], cwd);
    expect(seen(invalid)).toMatchInlineSnapshot(`
      "exit 2
      --- stderr
      error: --target must be kubernetes or compose, got swarm"
    `);
    writeFileSync(join(cwd, "broken.yaml"), "apiVersion: nope\n");
    expect(seen(runCli(["diff", "broken.yaml", "--out", "r"], cwd))).toMatchInlineSnapshot(`
      "exit 2
      --- stderr
      error: broken.yaml is not a valid spec (7 errors); run \`immich-family validate broken.yaml\` after fixing it
      broken.yaml:1:13: apiVersion: expected "immich-family.dev/v1alpha1", got "nope" [invalid-value]
      > 1 | apiVersion: nope
          |             ^^^^
      broken.yaml:1:1: kind: missing required key kind [missing-key]
      > 1 | apiVersion: nope
          | ^^^^^^^^^^^^^^^^
      broken.yaml:1:1: metadata: missing required key metadata [missing-key]
      > 1 | apiVersion: nope
          | ^^^^^^^^^^^^^^^^
      broken.yaml:1:1: immich: missing required key immich [missing-key]
      > 1 | apiVersion: nope
          | ^^^^^^^^^^^^^^^^
      broken.yaml:1:1: hosts: missing required key hosts [missing-key]
      > 1 | apiVersion: nope
          | ^^^^^^^^^^^^^^^^
      broken.yaml:1:1: members: missing required key members [missing-key]
      > 1 | apiVersion: nope
          | ^^^^^^^^^^^^^^^^
      broken.yaml:1:1: targets: missing required key targets [missing-key]
      > 1 | apiVersion: nope
          | ^^^^^^^^^^^^^^^^"
    `);

    // Nothing was written by any diff: the folders are as render and the edit left them.
    const after = tree(cwd);
    delete after["broken.yaml"];
    expect(after).toEqual(edited);
    expect(Object.keys(after).sort()).toEqual(Object.keys(rendered).sort());
  });
});
