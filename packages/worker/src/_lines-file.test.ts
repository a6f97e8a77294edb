import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readLinesFile, writeLinesAtomically } from "./_lines-file.js";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const temp = () => {
  dir = mkdtempSync(join(tmpdir(), "lines-file-"));
  return join(dir, "state");
};

/** Read `file` back: its header and lines, and the largest buffer a line was handed in. */
async function readBack(file: string, version = 1) {
  const lines: string[] = [];
  let largest = 0;
  const header = await readLinesFile<{ version: number; name?: string }>(file, version, (buf, from, to) => {
    largest = Math.max(largest, buf.length);
    lines.push(buf.toString("utf8", from, to));
    return true;
  });
  return { header, lines, largest };
}

describe("the state files' lines", () => {
  it("come back one by one from buffers far smaller than the file, also across chunk boundaries and in UTF-8", async () => {
    const file = temp();
    const written = Array.from({ length: 60_000 }, (_, i) => `${i}\tÅsa's photos/été ${"x".repeat(i % 97)}\t📷`);
    await writeLinesAtomically(file, [JSON.stringify({ version: 1, name: "big" }), ...written]);
    const { header, lines, largest } = await readBack(file);
    expect(header).toEqual({ version: 1, name: "big" });
    expect(lines).toEqual(written);
    // The file is read a chunk at a time: never held whole.
    expect(statSync(file).size).toBeGreaterThan(4 << 20);
    expect(largest).toBeLessThanOrEqual(1 << 16);
  });

  it("hand over a line longer than a chunk whole, and a last line without its line break", async () => {
    const file = temp();
    const long = "y".repeat(200_000);
    writeFileSync(file, `${JSON.stringify({ version: 1 })}\nshort\n${long}\nlast`);
    const { lines, largest } = await readBack(file);
    expect(lines).toEqual(["short", long, "last"]);
    expect(largest).toBeGreaterThan(200_000);
  });

  it("are refused for a missing file, another version, a torn header or a line the reader rejects", async () => {
    const file = temp();
    expect(await readBack(join(dir, "absent"))).toMatchObject({ header: undefined });
    writeFileSync(file, `${JSON.stringify({ version: 2 })}\na\n`);
    expect((await readBack(file)).header).toBeUndefined();
    writeFileSync(file, '{"version":1,"na');
    expect((await readBack(file)).header).toBeUndefined();
    writeFileSync(file, `${JSON.stringify({ version: 1 })}\ngood\nbad\n`);
    expect(await readLinesFile(file, 1, (buf, from, to) => buf.toString("utf8", from, to) !== "bad")).toBeUndefined();
  });
});
