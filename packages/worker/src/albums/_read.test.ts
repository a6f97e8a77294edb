import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readAlbumProps } from "./_read.js";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("reading .albumprops", () => {
  it("reads a small file, skips a folder without one, and never reads a FIFO, a link or a big file (nothing blocks)", async () => {
    dir = mkdtempSync(join(tmpdir(), "albumprops-read-"));
    const folder = (name: string) => {
      mkdirSync(join(dir!, name));
      return join(dir!, name);
    };
    writeFileSync(join(folder("good"), ".albumprops"), "override_name: Roma\n");
    folder("none");
    execFileSync("mkfifo", [join(folder("fifo"), ".albumprops")]);
    writeFileSync(join(dir, "outside.yaml"), "override_name: Elsewhere\n");
    symlinkSync(join(dir, "outside.yaml"), join(folder("link"), ".albumprops"));
    writeFileSync(join(folder("big"), ".albumprops"), `description: ${"x".repeat(70_000)}\n`);
    const read = await readAlbumProps(["good", "none", "fifo", "link", "big"].map((f) => join(dir!, f)));
    expect(read.get(join(dir, "good"))).toMatchObject({ overrideName: "Roma" });
    expect(read.has(join(dir, "none"))).toBe(false);
    expect(read.get(join(dir, "fifo"))).toMatchObject({ line: 1, message: "cannot read: is not a regular file" });
    expect(read.get(join(dir, "link"))).toMatchObject({ message: "cannot read: is a link; .albumprops must be a file of its folder" });
    expect(read.get(join(dir, "big"))).toMatchObject({ message: "cannot read: is 70014 bytes; an .albumprops holds at most 65536" });
  });
});
