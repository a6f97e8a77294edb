import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { specJsonSchemaText } from "@family/immich-spec";
import { describe, expect, it } from "vitest";
import { recordingIo, runCli, commandContext } from "../../test/helpers.js";
import { main } from "./schema.js";

const ctx = (cwd: string, io = recordingIo()) => commandContext(cwd, io);

describe("schema", () => {
  it("prints the shipped JSON Schema, current with the spec", async () => {
    const io = recordingIo();
    expect(await main(ctx(tmpdir(), io), [], {})).toBe(0);
    expect(io.out.join("")).toBe(specJsonSchemaText());
  });

  it("writes it to --out and says how to use it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "schema-"));
    const io = recordingIo();
    expect(await main(ctx(dir, io), [], { out: "s.json" })).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "s.json"), "utf8")).properties.apiVersion).toEqual({ type: "string", const: "immich-family.dev/v1alpha1" });
    expect(io.out).toEqual(["wrote s.json; point your editor at it with a first line `# yaml-language-server: $schema=s.json`"]);
  });

  it("fails with exit 1 when the file cannot be written, leaving nothing behind", async () => {
    const dir = mkdtempSync(join(tmpdir(), "schema-"));
    writeFileSync(join(dir, "blocker"), "a file, not a folder");
    await expect(main(ctx(dir), [], { out: "blocker/s.json" })).rejects.toMatchObject({ exitCode: 1, code: "write-failed" });
    expect(readdirSync(dir)).toEqual(["blocker"]);
  });

  it("echoes a file name with a newline or an escape sequence escaped, when written and when refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "schema-"));
    const io = recordingIo();
    expect(await main(ctx(dir, io), [], { out: "a\nb\x1b[2J.json" })).toBe(0);
    expect(io.out).toEqual(["wrote a\\nb\\x1B[2J.json; point your editor at it with a first line `# yaml-language-server: $schema=a\\nb\\x1B[2J.json`"]);
    writeFileSync(join(dir, "blocker"), "a file, not a folder");
    const refused = main(ctx(dir), [], { out: "blocker/x\ny.json" });
    await expect(refused).rejects.toMatchObject({ code: "write-failed" });
    await expect(refused).rejects.toThrow(/^Could not write \S*blocker\/x\\ny\.json: E[A-Z]+: /);
  });

  it("creates the folders of --out", async () => {
    const dir = mkdtempSync(join(tmpdir(), "schema-"));
    expect(await main(ctx(dir), [], { out: "new/dir/s.json" })).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "new/dir/s.json"), "utf8")).title).toMatch(/immich-family spec/);
  });
});

describe("built CLI: schema", () => {
  it("prints JSON and exits 0", () => {
    const r = runCli(["schema"], tmpdir());
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).title).toBe("immich-family spec (immich-family.dev/v1alpha1)");
  });
  it("shows an example in --help", () => {
    expect(runCli(["schema", "--help"], tmpdir()).stdout).toContain("immich-family schema --out immich-family.schema.json");
  });
});
