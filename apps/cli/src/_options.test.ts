import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLES, runCli } from "../test/helpers.js";
import { checkOutput, keepOptionText, outputOption, portOption } from "./_options.js";

const options = [
  { rawName: "--out <dir>", names: ["out"] },
  { rawName: "--state-dir <dir>", names: ["stateDir"] },
  { rawName: "--force", names: ["force"], isBoolean: true },
];

describe("keepOptionText", () => {
  it("gives back the typed text where cac made a number of it, in both spellings", () => {
    const parsed: Record<string, unknown> = { out: 10, stateDir: 1000, force: true };
    keepOptionText(options, ["render", "--out", "0010", "--state-dir=1e3", "--force"], parsed);
    expect(parsed).toEqual({ out: "0010", stateDir: "1e3", force: true });
  });

  it("leaves text values, missing values and defaults as cac parsed them", () => {
    const parsed: Record<string, unknown> = { out: true, stateDir: ".immich-family" };
    keepOptionText(options, ["render", "--out", "--force"], parsed);
    expect(parsed).toEqual({ out: true, stateDir: ".immich-family" });
  });

  it("refuses an option given twice", () => {
    expect(() => keepOptionText(options, ["--out", "a", "--out", "b"], { out: ["a", "b"] })).toThrow(
      expect.objectContaining({ code: "bad-arguments", exitCode: 2, message: "--out is given 2 times; give it once" }),
    );
  });
});

describe("outputOption and checkOutput", () => {
  const asCac = (o: ReturnType<typeof outputOption>) => [{ rawName: o[0], names: ["output"], config: o[2] }];

  it("describe text (the default) and the command's other formats, and refuse any other value naming them", () => {
    const secrets = outputOption("json", "env");
    expect(secrets.slice(0, 2)).toEqual(["--output <format>", "text, json or env (an .env template with empty values)"]);
    expect(outputOption("json")[1]).toBe("text or json");
    for (const ok of ["text", "json", "env"]) expect(() => checkOutput(asCac(secrets), { output: ok })).not.toThrow();
    expect(() => checkOutput(asCac(outputOption("json")), { output: "env" })).toThrow(
      expect.objectContaining({ code: "bad-arguments", exitCode: 2, message: "--output must be text or json, got env" }),
    );
    expect(() => checkOutput(asCac(secrets), { output: "\u001b[2Jyaml" })).toThrow("--output must be text, json or env, got \\x1B[2Jyaml");
  });

  it("leave a command without --output alone", () => {
    expect(() => checkOutput([{ rawName: "--out <dir>", names: ["out"] }], { out: "x" })).not.toThrow();
  });
});

describe("every command with --output refuses a format it does not print", () => {
  const cwd = mkdtempSync(join(tmpdir(), "immich-family-output-"));
  // The commands and their formats as `--help` lists them: a new command is covered as soon as it is registered.
  const help = runCli(["--help"], cwd).stdout;
  const names = [...(help.split("Commands:\n")[1]?.split("\n\n")[0] ?? "").matchAll(/^ {2}(\S+)/gm)].map((m) => m[1] as string);
  const withOutput = names.flatMap((name) => {
    const line = runCli([name, "--help"], cwd).stdout.match(/--output <format> +(.*) \(default: text\)$/m);
    return line?.[1] ? [{ name, formats: line[1].replace(/ \([^)]*\)/g, "") }] : [];
  });

  it("finds the commands in the help", () => {
    expect(names).toContain("backup");
    expect(withOutput.map((c) => c.name)).toEqual(expect.arrayContaining(["validate", "render", "secrets", "oauth", "scan", "upgrade", "doctor", "backup"]));
  });

  it.each(withOutput)("$name --output yaml exits 2 naming $formats", ({ name, formats }) => {
    const r = runCli([name, "--output", "yaml"], cwd);
    expect([r.status, r.stdout, r.stderr]).toEqual([2, "", `error: --output must be ${formats}, got yaml\n`]);
  });
});

describe("portOption", () => {
  it("takes digits from 0 to 65535 and refuses anything else, naming the option", () => {
    expect(portOption("port", "9464")).toBe(9464);
    expect(portOption("port", "0")).toBe(0);
    for (const bad of ["", "65536", "0x10", "1e3", " 80", "-1", "80a"]) {
      expect(() => portOption("port", bad), bad).toThrow(`--port must be a port number from 0 to 65535, got ${JSON.stringify(bad)}`);
    }
  });
});

describe("the built CLI keeps option values as typed", () => {
  const temp = () => mkdtempSync(join(tmpdir(), "immich-family-options-"));

  it("render --out 0010 writes ./0010", () => {
    const cwd = temp();
    const r = runCli(["render", join(EXAMPLES, "truenas.yaml"), "--out", "0010"], cwd);
    expect(r.stderr).not.toContain("error");
    expect(r.status).toBe(0);
    expect(readdirSync(cwd)).toEqual(["0010"]);
    expect(existsSync(join(cwd, "0010/compose.yaml"))).toBe(true);
  });

  it("schema --out=0010 writes the file ./0010", () => {
    const cwd = temp();
    expect(runCli(["schema", "--out=0010"], cwd).status).toBe(0);
    expect(readdirSync(cwd)).toEqual(["0010"]);
  });

  it("config fill --out 0600 writes the file ./0600 with mode 0600", () => {
    const cwd = temp();
    writeFileSync(join(cwd, "tmpl"), "server:\n  externalDomain: https://photos.example\n");
    const filled = runCli(["config", "fill", "--template", "tmpl", "--out", "0600"], cwd);
    expect([filled.status, filled.stderr.trim()]).toEqual([0, "wrote 0600 (mode 0600)"]);
    expect(statSync(join(cwd, "0600")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(cwd, "0600"), "utf8")).toContain("externalDomain: https://photos.example");
  });

  it("refuses an option given twice and a port that is not a number (exit 2)", () => {
    const cwd = temp();
    const twice = runCli(["render", join(EXAMPLES, "truenas.yaml"), "--out", "a", "--out", "b"], cwd);
    expect([twice.status, twice.stderr.trim()]).toEqual([2, "error: --out is given 2 times; give it once"]);
    const port = runCli(["worker", "--port", "0x10"], cwd);
    expect([port.status, port.stderr.trim()]).toEqual([2, 'error: --port must be a port number from 0 to 65535, got "0x10"']);
    expect(readdirSync(cwd)).toEqual([]);
  });
});
