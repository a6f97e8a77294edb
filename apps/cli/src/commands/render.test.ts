import { type Dirent, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import type { CliError } from "../_errors.js";
import { EXAMPLES, runCli } from "../../test/helpers.js";
import { render } from "./render.js";

const family = join(EXAMPLES, "family.yaml");

describe("render", () => {
  it("writes an absolute --out where it says, one sub-folder per declared target", async () => {
    const out = join(await mkdtemp(join(tmpdir(), "immich-family-render-")), "deploy");
    const result = await render("/nonexistent-cwd", family, { out });
    expect(result.outputs.map((o) => [o.target, o.dir])).toEqual([
      ["kubernetes", join(out, "kubernetes")],
      ["compose", join(out, "compose")],
    ]);
    expect((await readdir(out)).sort()).toEqual(["compose", "kubernetes"]);
  });

  it("keeps the user's secrets env files across a re-render", async () => {
    const out = await mkdtemp(join(tmpdir(), "immich-family-render-"));
    await render(out, family, { out: "r" });
    await writeFile(join(out, "r/kubernetes/secrets.env"), "IMMICH_API_KEY=k8s\n");
    await writeFile(join(out, "r/compose/.env"), "DB_PASSWORD=compose\n");
    await render(out, family, { out: "r" });
    expect(await readFile(join(out, "r/kubernetes/secrets.env"), "utf8")).toBe("IMMICH_API_KEY=k8s\n");
    expect(await readFile(join(out, "r/compose/.env"), "utf8")).toBe("DB_PASSWORD=compose\n");
  });

  it("reports an invalid spec with positions and code frames, and writes nothing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "immich-family-render-"));
    const text = (await readFile(family, "utf8")).replace("instances: 2", "instances: two");
    await writeFile(join(dir, "spec.yaml"), text);
    const error = await render(dir, "spec.yaml", { out: "r" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "spec-invalid", exitCode: 2, message: expect.stringMatching(/^spec\.yaml is not a valid spec \(1 error\)/) });
    const [detail] = (error as { details: string[] }).details;
    const line = text.split("\n").findIndex((l) => l.includes("instances: two")) + 1;
    expect(detail).toContain(`spec.yaml:${line}:18: targets.kubernetes.database.instances:`);
    expect(detail).toMatch(/instances: two\n\s*\|\s+\^/);
    expect(await readdir(dir)).toEqual(["spec.yaml"]);
  });
});

/** Every file under `dir` (at any depth) with its content, except those `skip` names. */
function tree(dir: string, skip: readonly string[] = []): Record<string, string> {
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  const rel = (e: Dirent) => relative(dir, join(e.parentPath, e.name));
  return Object.fromEntries(
    entries
      .map((e) => [rel(e), readFileSync(join(e.parentPath, e.name), "utf8")] as const)
      .filter(([p]) => !skip.includes(p))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

describe("render owns only its own files", () => {
  it("a re-render into the install folder keeps the database, backups, .git, the spec, notes and secrets byte-identical", async () => {
    const dir = await mkdtemp(join(tmpdir(), "immich-family-render-"));
    await writeFile(join(dir, "stack.yaml"), await readFile(family, "utf8"));
    await mkdir(join(dir, ".git/objects/ab"), { recursive: true });
    await writeFile(join(dir, ".git/HEAD"), "ref: refs/heads/main\n");
    await writeFile(join(dir, ".git/objects/ab/cdef"), "blob");
    // The folder holds the spec and a repository: render adopts it only when asked.
    await expect(render(dir, "stack.yaml", { target: "compose", out: "." })).rejects.toMatchObject({ code: "conflict", exitCode: 1 });
    const first = await render(dir, "stack.yaml", { target: "compose", out: ".", force: true });
    const rendered = [...(first.outputs[0]?.files ?? []), ".immich-family-render.json"];
    // What `docker compose up` and the family leave there.
    for (const [path, text] of Object.entries({
      "data/db/PG_VERSION": "16\n",
      "data/db/base/1/1259": "\u0000\u0001pages",
      "data/immich-config.yaml": "filled: config\n",
      "data/model-cache/clip/model.onnx": "weights",
      "backups/db-backup/pgsql_immich_20260101.sql.zst": "dump",
      ".env": "DB_PASSWORD=secret\n",
      "notes.md": "# our notes\n",
    })) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    const before = tree(dir, rendered);
    // Change the spec so that render rewrites its files and drops one (the worker's spec copy).
    const changed = (await readFile(join(dir, "stack.yaml"), "utf8")).replace("debounce: 1m", "enabled: false");
    await writeFile(join(dir, "stack.yaml"), changed);
    const second = await render(dir, "stack.yaml", { target: "compose", out: "." });
    expect(second.outputs[0]).toMatchObject({ removed: ["immich-family.yaml"], changed: expect.arrayContaining(["compose.yaml"]) });
    expect(tree(dir, rendered)).toEqual({ ...before, "stack.yaml": changed });
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining([
        ".git/HEAD",
        ".git/objects/ab/cdef",
        "data/db/PG_VERSION",
        "backups/db-backup/pgsql_immich_20260101.sql.zst",
        "notes.md",
        ".env",
        "stack.yaml",
      ]),
    );
  });

  it("never overwrites the spec it renders, even with --force", async () => {
    const dir = await mkdtemp(join(tmpdir(), "immich-family-render-"));
    const text = await readFile(family, "utf8");
    await writeFile(join(dir, "immich-family.yaml"), text);
    const error = (await render(dir, undefined, { target: "compose", out: ".", force: true }).catch((e: unknown) => e)) as CliError;
    expect(error).toMatchObject({ code: "conflict", exitCode: 1 });
    expect(error.details).toContain("  immich-family.yaml is the spec being rendered; render never overwrites it. Render into another folder (--out).");
    expect(await readdir(dir)).toEqual(["immich-family.yaml"]);
    expect(await readFile(join(dir, "immich-family.yaml"), "utf8")).toBe(text);
    // Nor through a link to the folder.
    await symlink(dir, join(dir, "..", `${basename(dir)}-link`));
    await expect(render(dir, undefined, { target: "compose", out: `../${basename(dir)}-link`, force: true })).rejects.toMatchObject({ code: "conflict" });
    expect(await readFile(join(dir, "immich-family.yaml"), "utf8")).toBe(text);
  });

  it("refuses a rendered file edited since, showing its diff, writes nothing anywhere, and --force overwrites it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "immich-family-render-"));
    await render(dir, family, { out: "r" });
    const compose = join(dir, "r/compose/compose.yaml");
    const edited = (await readFile(compose, "utf8")).replace("restart: unless-stopped", "restart: on-failure");
    expect(edited).toContain("on-failure");
    await writeFile(compose, edited);
    const spec = (await readFile(family, "utf8")).replace("photos.rincewind.family", "pictures.rincewind.family");
    await writeFile(join(dir, "spec.yaml"), spec);
    const before = tree(dir);
    const error = (await render(dir, "spec.yaml", { out: "r" }).catch((e: unknown) => e)) as CliError;
    expect(error).toMatchObject({ code: "conflict", exitCode: 1, message: "render stopped before writing anything: 1 problem in the output folders" });
    expect(error.details[0]).toBe(
      "  r/compose/compose.yaml was edited since the last render (diff below). Move the change into the spec, or pass --force to overwrite it.",
    );
    const diff = error.details.find((d) => d.startsWith("--- a/r/compose/compose.yaml\n+++ b/r/compose/compose.yaml\n"));
    expect(diff).toMatch(/^-\s+restart: on-failure$/m);
    expect(diff).toMatch(/^\+\s+restart: unless-stopped$/m);
    // The Kubernetes folder, which had no conflict, is untouched too.
    expect(tree(dir)).toEqual(before);
    await render(dir, "spec.yaml", { out: "r", force: true });
    expect(await readFile(compose, "utf8")).not.toContain("on-failure");
    expect(await readFile(compose, "utf8")).toContain("pictures.rincewind.family");
  });

  it("refuses a non-empty folder it did not write, with the hint, and writes nothing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "immich-family-render-"));
    await mkdir(join(dir, "deploy"));
    await writeFile(join(dir, "deploy/notes.txt"), "ours");
    const error = (await render(dir, family, { target: "kubernetes", out: "deploy" }).catch((e: unknown) => e)) as CliError;
    expect(error.details).toEqual([
      "  deploy is not empty and has no .immich-family-render.json: render did not write it. Render into an empty folder, or pass --force to adopt it: render will still delete nothing it did not write.",
      "Render owns only the files listed in each folder's .immich-family-render.json; `immich-family diff` shows every change it would make.",
    ]);
    expect(await readdir(join(dir, "deploy"))).toEqual(["notes.txt"]);
  });
});

describe("the built CLI's render output", () => {
  it("prints the spec's warnings with their code frames, then each target's summary and next steps", () => {
    const cwd = mkdtempSync(join(tmpdir(), "immich-family-render-"));
    const r = runCli(["render", family, "--out", "r"], cwd);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/family\.yaml:\d+:\d+: warning: database\.superuser: .*\[compose-superuser\]\n.*\n> \d+ \|/);
    expect(r.stdout).toMatch(
      /^kubernetes: r\/kubernetes: (\d+) files \(\1 new, 0 changed, 0 unchanged\), 0 removed\ncompose: r\/compose: (\d+) files \(\2 new, 0 changed, 0 unchanged\), 0 removed\n/,
    );
    expect(r.stdout).toContain("Next steps (kubernetes):\n");
    expect(r.stdout).toContain("  3. Apply: kubectl apply -k r/kubernetes\n");
    expect(r.stdout).toContain("Next steps (compose):\n");
    expect(r.stdout).toContain("  4. Start: cd r/compose && docker compose up -d\n");
  });

  it("exits 1 when a render is refused, and --force gets through", () => {
    const cwd = mkdtempSync(join(tmpdir(), "immich-family-render-"));
    writeFileSync(join(cwd, "notes.txt"), "ours");
    const refused = runCli(["render", family, "--target", "compose", "--out", "."], cwd);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("error: render stopped before writing anything: 1 problem in the output folder\n");
    expect(readdirSync(cwd)).toEqual(["notes.txt"]);
    expect(runCli(["render", family, "--target", "compose", "--out", ".", "--force"], cwd).status).toBe(0);
    expect(readFileSync(join(cwd, "notes.txt"), "utf8")).toBe("ours");
  });
});
