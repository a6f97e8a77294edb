import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { firstLine, runTool } from "./_tool.js";

const env = { PATH: process.env.PATH };
const dir = mkdtempSync(join(tmpdir(), "cli-tool-"));

describe("runTool", () => {
  it("gives the exit code and both outputs of a tool that fails, without throwing", async () => {
    expect(await runTool("sh", ["-c", "echo out; echo err >&2; exit 3"], { env })).toEqual({ missing: false, code: 3, stdout: "out\n", stderr: "err\n" });
  });

  it("says a tool is missing from the PATH", async () => {
    expect(await runTool("no-such-tool-here", ["x"], { env })).toEqual({
      missing: true,
      code: 127,
      stdout: "",
      stderr: "no-such-tool-here: not found on the PATH",
    });
  });

  it("stops a tool at its timeout, saying so", async () => {
    const started = Date.now();
    const r = await runTool("sleep", ["5"], { env, timeoutMs: 100 });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(r).toEqual({ missing: false, code: 124, stdout: "", stderr: "sleep 5 timed out after 0.1 s" });
  });

  it("stops a tool when its signal aborts, saying so", async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 50);
    expect(await runTool("sleep", ["5"], { env, signal: stop.signal })).toMatchObject({ missing: false, code: 130, stderr: "sleep 5 was interrupted" });
  });

  it("feeds standard input from text or a file, and writes standard output into a new 0600 file", async () => {
    expect((await runTool("cat", [], { env, input: { text: "typed" } })).stdout).toBe("typed");
    const source = join(dir, "in.sql");
    writeFileSync(source, "SELECT 1;\n");
    const target = join(dir, "out.sql");
    const r = await runTool("cat", [], { env, input: { file: source }, stdoutFile: target });
    expect(r).toEqual({ missing: false, code: 0, stdout: "", stderr: "" });
    expect(readFileSync(target, "utf8")).toBe("SELECT 1;\n");
    expect(statSync(target).mode & 0o777).toBe(0o600);
  });

  it("keeps at most 4 MiB of output in memory and still lets the tool finish", async () => {
    const r = await runTool("sh", ["-c", "head -c 6000000 /dev/zero"], { env });
    expect([r.code, r.stdout.length]).toEqual([0, 4 * 1024 * 1024]);
  });
});

describe("firstLine", () => {
  it("is the first line, trimmed", () => {
    expect(firstLine("\n  pg_restore: error: bad\nmore\n")).toBe("pg_restore: error: bad");
  });
});
