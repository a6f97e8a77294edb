import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PORTS } from "@family/immich-spec/facts";
import { describe, expect, it } from "vitest";
import { BUILT_CLI, EXAMPLES, runCli } from "../test/helpers.js";

describe("the bin's start", () => {
  it("loads nothing but Node's built-ins before a command runs (no zod, no library)", () => {
    const required = [...readFileSync(BUILT_CLI, "utf8").matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1] ?? "");
    expect(required.length).toBeGreaterThan(0);
    expect(required.filter((name) => !isBuiltin(name))).toEqual([]);
  });

  it("defaults the worker's port to the spec package's fact", () => {
    const r = runCli(["worker", "--help"], tmpdir());
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`--port <port> +Port of /healthz, /readyz and /metrics \\(default: ${PORTS.worker}\\)`));
    expect(PORTS.worker).toBe(9464);
  });
});

describe("one command list: the files of src/commands", () => {
  const commandFiles = readdirSync(new URL("./commands", import.meta.url))
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.startsWith("_"))
    .map((f) => f.slice(0, -".ts".length))
    .sort();

  it("registers each command file in the entry, and nothing else, and the build ships each", () => {
    const entry = readFileSync(new URL("./cli.ts", import.meta.url), "utf8");
    const registered = [...entry.matchAll(/import\("\.\/commands\/([a-z-]+)\.js"\)/g)].map((m) => m[1]).sort();
    expect(registered).toEqual(commandFiles);
    const built = readdirSync(join(dirname(BUILT_CLI), "commands")).filter((f) => f.endsWith(".js"));
    expect(built.sort()).toEqual(commandFiles.map((c) => `${c}.js`));
  });
});

// The build fails when a stand-in matches nothing (tsup.config.ts); this pins what reaches the bundles.
describe("the cold-start bundles' stand-ins", () => {
  const bundle = (name: string) => readFileSync(join(dirname(BUILT_CLI), "cached", `${name}.cjs`), "utf8");

  it.each(["validate", "render"])("%s leaves zod's translations out and builds ajv only on first use", (name) => {
    const text = bundle(name);
    expect(text).toContain("Invalid input");
    expect(text).not.toContain("ltige Eingabe"); // German, "Ungültige Eingabe", written \\xFC by esbuild
    expect(text).toMatch(/class\{constructor\(\.\.\.args\)\{let\{Ajv2020:Real\}=require_\w*\(\);return new Real\(\.\.\.args\)\}\}/);
    expect(text).toMatch(/function addFormats\(\.\.\.args\)\{return require_\w*\(\)\(\.\.\.args\)\}/);
  });
});

describe("render loads the renderer of each target it renders, and no other", () => {
  // cdk8s, which only the Kubernetes renderer uses, asks for Node's child_process as it loads: a probe
  // preloaded into the built CLI lists every module the run asked `require` for.
  const work = mkdtempSync(join(tmpdir(), "immich-family-lazy-"));
  const probe = join(work, "probe.cjs");
  writeFileSync(
    probe,
    'const M = require("node:module"); const seen = new Set(); const load = M._load;\n' +
      "M._load = function (request, ...rest) { seen.add(request); return load.call(this, request, ...rest); };\n" +
      'process.on("exit", () => require("node:fs").writeSync(2, `\\nrequired: ${[...seen].join(" ")}\\n`));\n',
  );
  const required = (example: string) => {
    const r = spawnSync(process.execPath, ["-r", probe, BUILT_CLI, "render", example, "--out", join(work, example)], {
      cwd: EXAMPLES,
      encoding: "utf8",
      env: { ...process.env, IMMICH_FAMILY_CACHE_DIR: join(work, "cache") },
    });
    expect(r.status, r.stderr).toBe(0);
    return (/^required: (.*)$/m.exec(r.stderr)?.[1] ?? "").split(" ");
  };

  it("a Compose-only spec renders without loading cdk8s; a Kubernetes one loads it", () => {
    expect(required("truenas.yaml")).not.toContain("child_process");
    expect(required("ponder.yaml")).toContain("child_process");
  });
});
