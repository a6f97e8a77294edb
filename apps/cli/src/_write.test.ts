import { mkdir, mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFolderAtomically } from "./_write.js";

const tmp = () => mkdtemp(join(tmpdir(), "immich-family-write-"));

describe("writeFolderAtomically", () => {
  it("replaces the folder's content with exactly the rendered files, with their modes", async () => {
    const out = join(await tmp(), "out");
    await mkdir(out);
    await writeFile(join(out, "stale.yaml"), "old");
    await writeFolderAtomically(out, [
      { path: "a.yaml", content: "a: 1\n" },
      { path: "sub/run.sh", content: "#!/bin/sh\n", mode: 0o755 },
    ]);
    expect((await readdir(out)).sort()).toEqual(["a.yaml", "sub"]);
    expect((await stat(join(out, "sub/run.sh"))).mode & 0o777).toBe(0o755);
  });

  it("carries over the user's kept files (the secrets env file) unless the render produces them", async () => {
    const out = join(await tmp(), "out");
    await mkdir(out);
    await writeFile(join(out, "secrets.env"), "IMMICH_API_KEY=kept\n");
    await writeFile(join(out, "notes.txt"), "not kept");
    await writeFolderAtomically(out, [{ path: "kustomization.yaml", content: "resources: []\n" }], ["secrets.env", "missing.env"]);
    expect((await readdir(out)).sort()).toEqual(["kustomization.yaml", "secrets.env"]);
    expect(await readFile(join(out, "secrets.env"), "utf8")).toBe("IMMICH_API_KEY=kept\n");
  });

  it("leaves the old folder untouched and no temporary folder behind when a path is unsafe", async () => {
    const parent = await tmp();
    const out = join(parent, "out");
    await mkdir(out);
    await writeFile(join(out, "keep.yaml"), "old");
    await expect(writeFolderAtomically(out, [{ path: "ok.yaml", content: "" }, { path: "../escape.yaml", content: "" }])).rejects.toThrow(/unsafe path/);
    expect(await readdir(parent)).toEqual(["out"]);
    expect(await readdir(out)).toEqual(["keep.yaml"]);
  });

  it("fails with write-failed, old folder untouched and nothing left behind, when a write fails midway", async () => {
    const parent = await tmp();
    const out = join(parent, "out");
    await mkdir(out);
    await writeFile(join(out, "keep.yaml"), "old");
    // The second file needs a folder where the first one wrote a file.
    const failing = writeFolderAtomically(out, [{ path: "a", content: "x" }, { path: "a/b.yaml", content: "y" }]);
    await expect(failing).rejects.toMatchObject({ name: "CliError", code: "write-failed", exitCode: 1, message: expect.stringMatching(/^Could not write .*out: /) });
    expect(await readdir(parent)).toEqual(["out"]);
    expect(await readdir(out)).toEqual(["keep.yaml"]);
  });

  it("fails with write-failed when the output folder cannot be created", async () => {
    const parent = await tmp();
    await writeFile(join(parent, "file"), "a file where a folder should be");
    await expect(writeFolderAtomically(join(parent, "file", "out"), [{ path: "a.yaml", content: "" }])).rejects.toMatchObject({ code: "write-failed", exitCode: 1 });
    expect(await readdir(parent)).toEqual(["file"]);
  });
});
