import { type Dirent, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLES, runCli, recordingIo, commandContext } from "../../test/helpers.js";
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
    expect(result.patch).toContain("--- a/out/README.md\n+++ b/out/README.md\n");
    expect(result.patch).toContain("-my own readme\n");
    expect(result.patch).toContain("--- a/out/worker-spec.yaml\n+++ /dev/null\n");
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
    expect([same.status, same.stdout]).toEqual([0, ""]);
    expect(same.stderr).toContain("Summary: render would change nothing\n");

    writeFileSync(join(cwd, "r/compose/compose.yaml"), `${readFileSync(join(cwd, "r/compose/compose.yaml"), "utf8")}# mine\n`);
    const edited = tree(cwd);
    const changed = runCli(["diff", family, "--out", "r"], cwd);
    expect(changed.status).toBe(1);
    expect(changed.stdout).toMatch(/^--- a\/r\/compose\/compose\.yaml\n\+\+\+ b\/r\/compose\/compose\.yaml\n@@ /);
    expect(changed.stdout).toContain("\n-# mine\n");
    expect(changed.stderr).toContain(
      "compose: r/compose: 0 new, 1 changed, 0 removed\n  edited since the last render (render refuses them without --force): compose.yaml\n",
    );
    expect(tree(cwd)).toEqual(edited);

    const fresh = runCli(["diff", family, "--target", "kubernetes", "--out", "new"], cwd);
    expect(fresh.status).toBe(1);
    expect(fresh.stdout).toContain("+++ b/new/kustomization.yaml\n");

    const invalid = runCli(["diff", family, "--target", "swarm", "--out", "r"], cwd);
    expect([invalid.status, invalid.stderr.trim()]).toEqual([2, "error: --target must be kubernetes or compose, got swarm"]);
    writeFileSync(join(cwd, "broken.yaml"), "apiVersion: nope\n");
    expect(runCli(["diff", "broken.yaml", "--out", "r"], cwd).status).toBe(2);

    // Nothing was written by any diff: the folders are as render and the edit left them.
    const after = tree(cwd);
    delete after["broken.yaml"];
    expect(after).toEqual(edited);
    expect(Object.keys(after).sort()).toEqual(Object.keys(rendered).sort());
  });
});
