import { createHash } from "node:crypto";
import { accessSync, chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { LOCK_FILE, lockFolder } from "./_folder-lock.js";
import { applyPlan, COMPARE_LIMIT, identityOf, looksLikeSpec, type PlanOptions, planFolder, RECORD_FILE, unifiedDiff } from "./_owned-folder.js";

// accessSync passes through; the unwritable-folder test has it answer as the system does for a user without
// write permission when the tests run as root (root writes anywhere).
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  return { ...fs, accessSync: vi.fn(fs.accessSync) };
});

const tmp = () => mkdtempSync(join(tmpdir(), "immich-family-owned-"));
const sha = (text: string) => createHash("sha256").update(text).digest("hex");
const read = (path: string) => readFileSync(path, "utf8");
const record = (dir: string) => JSON.parse(read(join(dir, RECORD_FILE))) as { files: Record<string, string>; writing?: Record<string, string> };

/** Every safe name: the closed set is tested on its own below. */
const ANY = { canWrite: () => true };

/** Plan, refuse like render does (unless forced), apply. */
function write(dir: string, files: { path: string; content: string; mode?: number }[], force = false, options: Partial<PlanOptions> = {}) {
  const plan = planFolder(dir, "out", files, { ...ANY, ...options });
  const blocking = plan.refusals.filter((r) => !r.forceable || !force);
  if (blocking.length > 0) return { plan, refused: blocking.map((r) => r.message) };
  applyPlan(plan);
  return { plan, refused: [] };
}

describe("planFolder and applyPlan", () => {
  it("writes a new folder with its files, their modes and a record of their hashes", () => {
    const dir = join(tmp(), "out");
    expect(
      write(dir, [
        { path: "a.yaml", content: "a: 1\n" },
        { path: "sub/run.sh", content: "#!/bin/sh\n", mode: 0o755 },
      ]).refused,
    ).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual([RECORD_FILE, "a.yaml", "sub"]);
    expect(statSync(join(dir, "sub/run.sh")).mode & 0o777).toBe(0o755);
    expect(record(dir)).toMatchObject({ files: { "a.yaml": sha("a: 1\n"), "sub/run.sh": sha("#!/bin/sh\n") } });
    expect(record(dir).writing).toBeUndefined();
  });

  it("refuses a folder it cannot write, before anything else, naming why; writes nothing", () => {
    const parent = tmp();
    chmodSync(parent, 0o555);
    if (process.getuid?.() === 0)
      vi.mocked(accessSync).mockImplementationOnce((path) => {
        throw Object.assign(new Error(`EACCES: permission denied, access '${String(path)}'`), { code: "EACCES" });
      });
    try {
      const plan = planFolder(join(parent, "out"), "out", [{ path: "a.yaml", content: "a: 1\n" }], ANY);
      expect(plan.refusals).toEqual([
        { message: expect.stringMatching(/^out cannot be written: EACCES: .*\. Pick another --out, or fix its permissions\.$/), forceable: false },
      ]);
      expect(plan.changes).toEqual([]);
      expect(readdirSync(parent)).toEqual([]);
    } finally {
      chmodSync(parent, 0o755);
    }
  });

  it("keeps every file it did not write byte-identical, removes only recorded files it no longer writes", () => {
    const dir = tmp();
    write(dir, [
      { path: "a.yaml", content: "a: 1\n" },
      { path: "old.yaml", content: "old\n" },
    ]);
    mkdirSync(join(dir, "data/db"), { recursive: true });
    writeFileSync(join(dir, "data/db/PG_VERSION"), "16\n");
    writeFileSync(join(dir, "notes.txt"), "mine");
    const { plan } = write(dir, [{ path: "a.yaml", content: "a: 2\n" }]);
    expect(plan.changes.map((c) => [c.kind, c.path])).toEqual([
      ["update", "a.yaml"],
      ["remove", "old.yaml"],
    ]);
    expect(readdirSync(dir).sort()).toEqual([RECORD_FILE, "a.yaml", "data", "notes.txt"]);
    expect(read(join(dir, "data/db/PG_VERSION"))).toBe("16\n");
    expect(read(join(dir, "notes.txt"))).toBe("mine");
    expect(Object.keys(record(dir).files)).toEqual(["a.yaml"]);
  });

  it("writes nothing at all when nothing changed, the record included", () => {
    const dir = tmp();
    write(dir, [{ path: "a.yaml", content: "a: 1\n" }]);
    const before = statSync(join(dir, RECORD_FILE)).mtimeMs;
    const { plan } = write(dir, [{ path: "a.yaml", content: "a: 1\n" }]);
    expect([plan.changes, plan.record, plan.unchanged]).toEqual([[], undefined, ["a.yaml"]]);
    expect(statSync(join(dir, RECORD_FILE)).mtimeMs).toBe(before);
  });

  it("refuses a recorded file edited since, with its diff, and overwrites it with force", async () => {
    const dir = tmp();
    write(dir, [{ path: "a.yaml", content: "a: 1\nb: 2\n" }]);
    writeFileSync(join(dir, "a.yaml"), "a: 1\nb: mine\n");
    const { plan, refused } = write(dir, [{ path: "a.yaml", content: "a: 1\nb: 3\n" }]);
    expect(refused).toEqual(["out/a.yaml was edited since the last render (see its diff). Move the change into the spec, or pass --force to overwrite it."]);
    expect(read(join(dir, "a.yaml"))).toBe("a: 1\nb: mine\n");
    expect(await unifiedDiff(plan)).toBe("--- a/out/a.yaml\n+++ b/out/a.yaml\n@@ -1,2 +1,2 @@\n a: 1\n-b: mine\n+b: 3\n");
    expect(write(dir, [{ path: "a.yaml", content: "a: 1\nb: 3\n" }], true).refused).toEqual([]);
    expect(read(join(dir, "a.yaml"))).toBe("a: 1\nb: 3\n");
  });

  it("refuses to remove an edited file it no longer writes, unless forced", () => {
    const dir = tmp();
    write(dir, [
      { path: "a.yaml", content: "a\n" },
      { path: "gone.yaml", content: "x\n" },
    ]);
    writeFileSync(join(dir, "gone.yaml"), "x, edited\n");
    expect(write(dir, [{ path: "a.yaml", content: "a\n" }]).refused).toEqual([
      "out/gone.yaml was edited since the last render, and render no longer writes it (see its diff). Move it away to keep it, or pass --force to remove it.",
    ]);
    expect(readdirSync(dir)).toContain("gone.yaml");
    write(dir, [{ path: "a.yaml", content: "a\n" }], true);
    expect(readdirSync(dir)).not.toContain("gone.yaml");
  });

  it("refuses a non-empty folder without a record; with force adopts it and deletes nothing", () => {
    const dir = tmp();
    writeFileSync(join(dir, "immich-family.yaml"), "spec");
    writeFileSync(join(dir, "a.yaml"), "user's\n");
    expect(write(dir, [{ path: "a.yaml", content: "render's\n" }]).refused).toEqual([
      `out is not empty and has no ${RECORD_FILE}: render did not write it. Render into an empty folder, or pass --force to adopt it: render will still delete nothing it did not write.`,
    ]);
    expect(readdirSync(dir).sort()).toEqual(["a.yaml", "immich-family.yaml"]);
    expect(write(dir, [{ path: "a.yaml", content: "render's\n" }], true).refused).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual([RECORD_FILE, "a.yaml", "immich-family.yaml"]);
    expect(read(join(dir, "immich-family.yaml"))).toBe("spec");
    expect(read(join(dir, "a.yaml"))).toBe("render's\n");
  });

  it("refuses to overwrite a file not on its record that a newer render starts writing", () => {
    const dir = tmp();
    write(dir, [{ path: "a.yaml", content: "a\n" }]);
    writeFileSync(join(dir, "README.md"), "my notes\n");
    expect(
      write(dir, [
        { path: "a.yaml", content: "a\n" },
        { path: "README.md", content: "rendered\n" },
      ]).refused,
    ).toEqual(["out/README.md is not on render's record, and render would overwrite it (see its diff). Move it away, or pass --force to overwrite it."]);
    expect(read(join(dir, "README.md"))).toBe("my notes\n");
  });

  it("never overwrites a protected path or a folder in the way, even when forced", () => {
    const dir = tmp();
    mkdirSync(join(dir, "b.yaml"));
    writeFileSync(join(dir, "spec.yaml"), "spec");
    const plan = planFolder(
      dir,
      "out",
      [
        { path: "spec.yaml", content: "copy" },
        { path: "b.yaml", content: "b" },
      ],
      { ...ANY, protect: [identityOf(join(dir, "spec.yaml"))!] },
    );
    expect(plan.refusals.filter((r) => !r.forceable).map((r) => r.message)).toEqual([
      "out/spec.yaml is the spec being rendered; render never writes, replaces or removes it. Render into another folder (--out).",
      "out/b.yaml: render writes a file there, but something else is in the way. Move it away.",
    ]);
  });

  it("ignores, with a note, a record entry that names a path out of the folder, and never follows it", () => {
    const parent = tmp();
    const dir = join(parent, "out");
    mkdirSync(dir);
    writeFileSync(join(parent, "victim"), "keep");
    writeFileSync(join(dir, RECORD_FILE), JSON.stringify({ files: { "../victim": sha("keep") } }));
    const { refused, plan } = write(dir, [{ path: "a.yaml", content: "a" }]);
    expect(refused).toEqual([]);
    expect(plan.notes).toEqual([`out/${RECORD_FILE} lists "../victim", a file render never writes here: ignored (render neither overwrites nor removes it).`]);
    expect(read(join(parent, "victim"))).toBe("keep");
    expect(Object.keys(record(dir).files)).toEqual(["a.yaml"]);
  });

  it("never removes a recorded file reached through a symbolic link out of the folder", () => {
    const parent = tmp();
    const dir = join(parent, "out");
    mkdirSync(join(parent, "elsewhere"));
    writeFileSync(join(parent, "elsewhere/x.yaml"), "x\n");
    write(dir, [{ path: "a.yaml", content: "a\n" }]);
    symlinkSync(join(parent, "elsewhere"), join(dir, "link"));
    writeFileSync(join(dir, RECORD_FILE), JSON.stringify({ files: { "a.yaml": sha("a\n"), "link/x.yaml": sha("x\n") } }));
    const { plan } = write(dir, [{ path: "a.yaml", content: "a\n" }]);
    expect(plan.changes).toEqual([]);
    expect(read(join(parent, "elsewhere/x.yaml"))).toBe("x\n");
    expect(Object.keys(record(dir).files)).toEqual(["a.yaml"]);
  });

  it("refuses an --out that is a file, even when forced", () => {
    const dir = join(tmp(), "out");
    writeFileSync(dir, "a file");
    const { refused } = write(dir, [{ path: "a.yaml", content: "a" }], true);
    expect(refused).toEqual(["out is not a folder; render writes a folder there. Pick another --out."]);
    expect(read(dir)).toBe("a file");
  });

  it("leaves a record that still owns what was written when a write fails midway", () => {
    const dir = tmp();
    write(dir, [
      { path: "a.yaml", content: "a: 1\n" },
      { path: "z.yaml", content: "z: 1\n" },
    ]);
    mkdirSync(join(dir, "sub"));
    writeFileSync(join(dir, "sub/keep"), "user's");
    // `b` is a file, so `b/c.yaml` cannot be written after `a.yaml` was.
    const plan = planFolder(
      dir,
      "out",
      [
        { path: "a.yaml", content: "a: 2\n" },
        { path: "b", content: "b" },
        { path: "b/c.yaml", content: "c" },
        { path: "z.yaml", content: "z: 1\n" },
      ],
      ANY,
    );
    expect(() => applyPlan(plan)).toThrow(
      expect.objectContaining({ code: "write-failed", exitCode: 1, message: expect.stringMatching(/^Could not write out after 2 of 3 changes; /) }),
    );
    expect(read(join(dir, "sub/keep"))).toBe("user's");
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    // The next render sees a.yaml (already the new content) as its own, not as a user edit.
    const again = planFolder(
      dir,
      "out",
      [
        { path: "a.yaml", content: "a: 3\n" },
        { path: "z.yaml", content: "z: 1\n" },
      ],
      ANY,
    );
    expect(again.refusals).toEqual([]);
    expect(again.changes.map((c) => [c.kind, c.path])).toEqual([
      ["update", "a.yaml"],
      ["remove", "b"],
    ]);
  });
});

describe("the record grants nothing by itself", () => {
  const CLOSED = { canWrite: (p: string) => ["a.yaml", "copy.yaml"].includes(p), former: ["spec.yaml"] };

  it("removes only names the renderer can write; other entries, hash matching or not, are ignored with a note", () => {
    const dir = tmp();
    write(dir, [{ path: "a.yaml", content: "a\n" }], false, CLOSED);
    mkdirSync(join(dir, "data/db"), { recursive: true });
    writeFileSync(join(dir, "data/db/PG_VERSION"), "16\n");
    writeFileSync(join(dir, "b.yaml"), "b\n");
    writeFileSync(join(dir, RECORD_FILE), JSON.stringify({ files: { "a.yaml": sha("a\n"), "data/db/PG_VERSION": sha("16\n"), "b.yaml": sha("b\n") } }));
    for (const force of [false, true]) {
      const { plan, refused } = write(dir, [{ path: "a.yaml", content: "a\n" }], force, CLOSED);
      expect(refused).toEqual([]);
      expect(plan.changes).toEqual([]);
    }
    expect(read(join(dir, "data/db/PG_VERSION"))).toBe("16\n");
    expect(read(join(dir, "b.yaml"))).toBe("b\n");
    expect(Object.keys(record(dir).files)).toEqual(["a.yaml"]);
  });

  it("drops a former name from the record with a note and never touches the file", () => {
    const dir = tmp();
    writeFileSync(join(dir, "spec.yaml"), "old copy\n");
    writeFileSync(join(dir, RECORD_FILE), JSON.stringify({ files: { "spec.yaml": sha("old copy\n") } }));
    const { plan } = write(dir, [{ path: "copy.yaml", content: "c\n" }], false, CLOSED);
    expect(plan.notes).toEqual([
      'out/spec.yaml: an earlier release wrote the worker\'s copy of the spec under this name; it is now written under its own name, so render no longer lists "spec.yaml" and never touches it. Delete it yourself if it is not your spec.',
    ]);
    expect(read(join(dir, "spec.yaml"))).toBe("old copy\n");
    expect(Object.keys(record(dir).files)).toEqual(["copy.yaml"]);
  });

  it("never overwrites or removes a file holding a spec it did not write as it is, even forced; a big file counts as edited", () => {
    const dir = tmp();
    const spec = "apiVersion: immich-family.dev/v1alpha1\nkind: ImmichFamily\nmetadata: { name: x }\n";
    write(dir, [{ path: "copy.yaml", content: spec }], false, CLOSED);
    writeFileSync(join(dir, "copy.yaml"), `${spec}# mine\n`);
    expect(write(dir, [{ path: "copy.yaml", content: spec }], true, CLOSED).refused).toEqual([
      "out/copy.yaml holds an immich-family spec that render did not write as it is; render never overwrites or removes a spec, even with --force. Move it out of the folder and render again.",
    ]);
    expect(write(dir, [], true, CLOSED).refused).toHaveLength(1);
    expect(read(join(dir, "copy.yaml"))).toBe(`${spec}# mine\n`);
    writeFileSync(join(dir, "copy.yaml"), Buffer.alloc(COMPARE_LIMIT + 1, 0x20));
    expect(write(dir, [{ path: "copy.yaml", content: spec }], false, CLOSED).refused).toEqual([
      `out/copy.yaml was edited since the last render (${COMPARE_LIMIT + 1} bytes: too big to compare). Move the change into the spec, or pass --force to overwrite it.`,
    ]);
  });

  it("recognises a spec by its top-level apiVersion and kind, not by a mention", () => {
    expect(looksLikeSpec(Buffer.from("apiVersion: 'immich-family.dev/v1alpha1'\nkind: \"ImmichFamily\" # mine\n"))).toBe(true);
    expect(looksLikeSpec(Buffer.from("data:\n  worker-spec.yaml: |\n    apiVersion: immich-family.dev/v1alpha1\n    kind: ImmichFamily\n"))).toBe(false);
  });
});

describe("the folder lock", () => {
  it("lets one render in at a time, names the holder, and leaves no lock or folder it made behind", () => {
    const dir = join(tmp(), "new", "out");
    const lock = lockFolder(dir, "out", () => true);
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
    expect(() => lockFolder(dir, "out", () => true)).toThrow(
      expect.objectContaining({
        code: "conflict",
        message: expect.stringMatching(new RegExp(`^out is locked: another render \\(process ${process.pid}, started `)),
      }),
    );
    expect(planFolder(dir, "out", [], ANY).refusals.map((r) => r.forceable)).toEqual([false]);
    lock.release();
    expect(readdirSync(join(dir, "..", ".."))).toEqual([]);
  });
});
