import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IMPORT_LIMITS, ImportFolder, readSmallFile } from "./_read.js";

let dir: string;
let outside: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "import-read-"));
  outside = mkdtempSync(join(tmpdir(), "import-outside-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

const open = () => ImportFolder.open(dir, ".", "--kubernetes");
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    return { exit: (error as { exitCode?: number }).exitCode, message: (error as Error).message };
  }
  return undefined;
};

describe("ImportFolder.open", () => {
  it("refuses a missing folder, a file and a link that loops, exit 2, naming the flag and the path as given", () => {
    writeFileSync(join(dir, "compose.yaml"), "services: {}\n");
    symlinkSync("loop", join(dir, "loop"));
    expect(refusal(() => ImportFolder.open(dir, "manifets", "--kubernetes"))).toEqual({
      exit: 2,
      message: "--kubernetes manifets: no such folder. Check the path.",
    });
    expect(refusal(() => ImportFolder.open(dir, "compose.yaml", "--compose"))).toEqual({
      exit: 2,
      message: "--compose compose.yaml is a file; --compose takes the folder that holds the files.",
    });
    expect(refusal(() => ImportFolder.open(dir, "loop", "--compose"))).toEqual({
      exit: 2,
      message: "--compose loop: a link that loops; pass the folder itself.",
    });
    expect(refusal(() => ImportFolder.open(dir, "bad\nname\x1b[2J", "--compose"))?.message).toBe(
      "--compose bad\\nname\\x1B[2J: no such folder. Check the path.",
    );
  });
});

describe("ImportFolder.readText", () => {
  it("reads a regular file, and a link to one inside the folder; nothing there is undefined", () => {
    writeFileSync(join(dir, "a.yaml"), "kind: A\n");
    symlinkSync("a.yaml", join(dir, "b.yaml"));
    const f = open();
    expect(f.readText("a.yaml")).toBe("kind: A\n");
    expect(f.readText("b.yaml")).toBe("kind: A\n");
    expect(f.readText("none.yaml")).toBeUndefined();
  });

  it("refuses a FIFO at once (never blocks), a folder, a socket and a device link, exit 2", async () => {
    execFileSync("mkfifo", [join(dir, "fifo.yaml")]);
    mkdirSync(join(dir, ".env"));
    const server: Server = createServer();
    await new Promise<void>((r) => server.listen(join(dir, "sock.yaml"), r));
    try {
      const f = open();
      const started = Date.now();
      expect(refusal(() => f.readText("fifo.yaml"))).toEqual({
        exit: 2,
        message: "fifo.yaml: a named pipe (FIFO), not a file; import reads only regular files",
      });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(refusal(() => f.readText(".env"))).toEqual({ exit: 2, message: ".env: a folder, not a file; import reads only regular files" });
      expect(refusal(() => f.readText("sock.yaml"))?.message).toBe("sock.yaml: a socket, not a file; import reads only regular files");
    } finally {
      server.close();
    }
  });

  it("refuses links out of the folder (to /dev/zero, to a file elsewhere), dangling links and loops", () => {
    symlinkSync("/dev/zero", join(dir, "zero.yaml"));
    writeFileSync(join(outside, "secret.yaml"), "x: 1\n");
    symlinkSync(join(outside, "secret.yaml"), join(dir, "out.yaml"));
    symlinkSync("ann@host.1234:1700000000", join(dir, ".#compose.yaml"));
    symlinkSync("self.yaml", join(dir, "self.yaml"));
    const f = open();
    expect(refusal(() => f.readText("zero.yaml"))).toEqual({
      exit: 2,
      message: "zero.yaml: a link out of the folder (to /dev/zero); import reads only files inside .: copy the file in",
    });
    expect(refusal(() => f.readText("out.yaml"))?.message).toMatch(/^out\.yaml: a link out of the folder \(to .*secret\.yaml\)/);
    expect(refusal(() => f.readText(".#compose.yaml"))).toEqual({
      exit: 2,
      message: ".#compose.yaml: a link to nothing (an editor's lock file?); remove it or move it out of the folder",
    });
    expect(refusal(() => f.readText("self.yaml"))?.message).toBe("self.yaml: a link that loops; replace it with the file it should name");
  });

  it("refuses a file over 1 MiB, and a folder whose files add up to more than the folder cap", () => {
    writeFileSync(join(dir, "big.yaml"), "x".repeat(IMPORT_LIMITS.fileBytes + 1));
    expect(refusal(() => open().readText("big.yaml"))).toEqual({ exit: 2, message: "big.yaml: 1.0 MiB; import reads files of at most 1 MiB" });
    const part = "y".repeat(IMPORT_LIMITS.fileBytes);
    const n = Math.ceil(IMPORT_LIMITS.folderBytes / IMPORT_LIMITS.fileBytes) + 1;
    for (let i = 0; i < n; i++) writeFileSync(join(dir, `p${String(i).padStart(2, "0")}.yaml`), part);
    const f = open();
    const r = refusal(() => {
      for (let i = 0; i < n; i++) f.readText(`p${String(i).padStart(2, "0")}.yaml`);
    });
    expect(r).toEqual({ exit: 2, message: ".: the files import reads add up to more than 16.0 MiB; pass a folder that holds only the install's files" });
  });
});

describe("ImportFolder.yamlFiles", () => {
  it("lists YAML files at any depth, passes over hidden folders and links to folders (with a note), and reads a linked file once", () => {
    mkdirSync(join(dir, "base"));
    mkdirSync(join(dir, ".git"));
    writeFileSync(join(dir, ".git", "x.yaml"), "");
    writeFileSync(join(dir, "base", "a.yaml"), "");
    writeFileSync(join(dir, "notes.txt"), "");
    symlinkSync("base/a.yaml", join(dir, "same.yaml"));
    symlinkSync(outside, join(dir, "elsewhere"));
    execFileSync("mkfifo", [join(dir, "pipe")]);
    const f = open();
    expect(f.yamlFiles()).toEqual(["base/a.yaml"]);
    expect(f.skipped).toEqual(["elsewhere: a link to a folder; not followed"]);
  });

  it("refuses a YAML name that is not a regular file inside the folder", () => {
    symlinkSync("gone", join(dir, ".#cluster.yaml"));
    expect(refusal(() => open().yamlFiles())?.message).toBe(
      ".#cluster.yaml: a link to nothing (an editor's lock file?); remove it or move it out of the folder",
    );
  });
});

describe("readSmallFile", () => {
  it("reads a key file and refuses a FIFO, a folder and a missing file, exit 2", () => {
    writeFileSync(join(dir, "key"), "abc\n");
    execFileSync("mkfifo", [join(dir, "fifo")]);
    expect(readSmallFile(dir, "key", "--api-key-file")).toBe("abc\n");
    expect(refusal(() => readSmallFile(dir, "fifo", "--api-key-file"))).toEqual({
      exit: 2,
      message: "--api-key-file fifo is a named pipe (FIFO), not a file.",
    });
    expect(refusal(() => readSmallFile(dir, ".", "--api-key-file"))?.message).toBe("--api-key-file . is a folder, not a file.");
    expect(refusal(() => readSmallFile(dir, "nokey", "--api-key-file"))).toEqual({ exit: 2, message: "--api-key-file nokey: no such file." });
  });
});
