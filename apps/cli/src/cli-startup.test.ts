import { readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { PORTS } from "@family/immich-spec/facts";
import { describe, expect, it } from "vitest";
import { BUILT_CLI, runCli } from "../test/helpers.js";

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
