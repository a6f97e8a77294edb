import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Slow, end to end: what we would publish must work without the workspace. Packs the five publishable
// packages with pnpm (which rewrites workspace: and catalog: ranges), installs the tarballs with npm
// into an empty folder outside the repository, and runs the installed `immich-family` from there.
const root = fileURLToPath(new URL("../../../", import.meta.url));
const PUBLISHABLE = ["packages/spec", "packages/k8s", "packages/compose", "packages/worker", "apps/cli"];
const work = mkdtempSync(join(tmpdir(), "immich-family-pack-"));
const app = join(work, "app");
const bin = join(app, "node_modules", ".bin", "immich-family");
const run = (args: string[]) => spawnSync(bin, args, { cwd: app, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });

let tarballs: string[] = [];
beforeAll(() => {
  for (const dir of PUBLISHABLE) execFileSync("pnpm", ["pack", "--pack-destination", work], { cwd: join(root, dir), stdio: "pipe" });
  tarballs = readdirSync(work).filter((f) => f.endsWith(".tgz"));
  execFileSync("mkdir", [app]);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "pack-check", private: true }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...tarballs.map((t) => join(work, t))], { cwd: app, stdio: "pipe" });
  copyFileSync(join(root, "examples", "ponder.yaml"), join(app, "ponder.yaml"));
}, 600_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("packed packages installed with npm outside the workspace", () => {
  it("packs all five publishable packages", () => {
    expect(tarballs.map((t) => t.replace(/-[0-9][^-]*\.tgz$/, "")).sort()).toEqual([
      "family-immich-cli",
      "family-immich-compose",
      "family-immich-k8s",
      "family-immich-spec",
      "family-immich-worker",
    ]);
  });

  it("publishes real version ranges, never workspace: or catalog:", () => {
    for (const name of ["immich-cli", "immich-spec", "immich-k8s", "immich-compose", "immich-worker"]) {
      const pkg = readFileSync(join(app, "node_modules", "@family", name, "package.json"), "utf8");
      expect(pkg).not.toMatch(/"(workspace|catalog):/);
    }
  });

  it("ships a README in every package", () => {
    for (const name of ["immich-cli", "immich-spec", "immich-k8s", "immich-compose", "immich-worker"]) {
      expect(readFileSync(join(app, "node_modules", "@family", name, "README.md"), "utf8")).toContain(`@family/${name}`);
    }
  });

  it("ships the JSON Schema and a README in the spec package", () => {
    const spec = join(app, "node_modules", "@family", "immich-spec");
    expect(JSON.parse(readFileSync(join(spec, "schema", "immich-family.schema.json"), "utf8")).title).toContain("immich-family");
    expect(readFileSync(join(spec, "README.md"), "utf8")).toContain("@family/immich-spec");
  });

  it("runs the installed immich-family --version", () => {
    const version = JSON.parse(readFileSync(join(root, "apps/cli/package.json"), "utf8")).version as string;
    const r = run(["--version"]);
    expect([r.status, r.stdout.trim()]).toEqual([0, `immich-family/${version} ${process.platform}-${process.arch} node-${process.version}`]);
  });

  it("validates an example with the installed CLI", () => {
    const r = run(["validate", "ponder.yaml"]);
    expect([r.status, r.stdout.trim(), r.stderr]).toEqual([0, "Summary: ponder.yaml is valid, 0 errors, 0 warnings", ""]);
  });

  it("renders an example with the installed CLI (the renderers' bundled cdk8s and yaml included)", () => {
    const r = run(["render", "ponder.yaml", "--out", "deploy"]);
    expect([r.status, r.stdout.trim(), r.stderr]).toEqual([0, "kubernetes: wrote 12 files to deploy", ""]);
    const server = readFileSync(join(app, "deploy", "server.yaml"), "utf8");
    expect(server).toContain("image: ghcr.io/immich-app/immich-server:v2.7.5");
    expect(readFileSync(join(app, "deploy", "kustomization.yaml"), "utf8")).toContain("secretGenerator:");
  });

  it("prints the schema from the installed package", () => {
    const r = run(["schema"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).$schema).toBe("https://json-schema.org/draft/2020-12/schema");
  });
});
