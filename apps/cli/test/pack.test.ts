import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderCompose } from "@family/immich-compose";
import { ImmichChart, renderKubernetes } from "@family/immich-k8s";
import { parseSpec } from "@family/immich-spec";
import { App } from "cdk8s";
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

  it("pins the CLI to the libraries of its own release (validate and render bundle their code)", () => {
    const cli = JSON.parse(readFileSync(join(app, "node_modules", "@family", "immich-cli", "package.json"), "utf8"));
    for (const name of ["immich-spec", "immich-k8s", "immich-compose", "immich-worker"]) {
      expect(cli.dependencies[`@family/${name}`]).toBe(cli.version);
    }
  });

  it("publishes no export that points at a file outside the package (the workspace's source condition is left out)", () => {
    for (const name of ["immich-cli", "immich-spec", "immich-k8s", "immich-compose", "immich-worker"]) {
      const dir = join(app, "node_modules", "@family", name);
      const text = readFileSync(join(dir, "package.json"), "utf8");
      expect(text).not.toContain("@family/source");
      const targets = (e: unknown): string[] => (typeof e === "string" ? [e] : Object.values(e as object).flatMap(targets));
      for (const target of targets(JSON.parse(text).exports)) expect(existsSync(join(dir, target)), `${name}: ${target}`).toBe(true);
    }
  });

  it("peer-depends on cdk8s, constructs and zod with ranges, so an application shares its own copies", () => {
    const manifest = (name: string) => JSON.parse(readFileSync(join(app, "node_modules", "@family", name, "package.json"), "utf8"));
    expect(manifest("immich-k8s").peerDependencies).toEqual({ cdk8s: "^2.60.0", constructs: "^10.0.0", zod: "^4.6.7" });
    expect(manifest("immich-spec").peerDependencies).toEqual({ zod: "^4.6.7" });
    for (const name of ["immich-k8s", "immich-spec"]) expect(Object.keys(manifest(name).dependencies)).not.toEqual(expect.arrayContaining(["zod"]));
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

  it("renders an example with the installed CLI, the folder README included", () => {
    const r = run(["render", "ponder.yaml", "--out", "deploy"]);
    expect([r.status, r.stdout.split("\n")[0], r.stderr]).toEqual([
      0,
      expect.stringMatching(/^kubernetes: deploy: (\d+) files \(\1 new, 0 changed, 0 unchanged\), 0 removed$/),
      "",
    ]);
    expect(readFileSync(join(app, "deploy", "README.md"), "utf8")).toContain("CloudNativePG operator");
    const server = readFileSync(join(app, "deploy", "server.yaml"), "utf8");
    expect(server).toContain("image: ghcr.io/immich-app/immich-server:v3.1.0");
    expect(readFileSync(join(app, "deploy", "kustomization.yaml"), "utf8")).toContain("secretGenerator:");
  });

  it("runs the installed immich-family-worker --help", () => {
    const r = spawnSync(join(app, "node_modules", ".bin", "immich-family-worker"), ["--help"], { cwd: app, encoding: "utf8" });
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toMatch(/^Usage: immich-family-worker \[spec\]/);
  });

  it("prints the schema from the installed package", () => {
    const r = run(["schema"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).$schema).toBe("https://json-schema.org/draft/2020-12/schema");
  });
});

// What an application does with the libraries: parse the example, render both targets, name the
// worker's image and the classes of the worker, and share zod with the application (one instance).
const USE = {
  esm: `import { readFileSync } from "node:fs";
import { z } from "zod";
import { parseSpec, immichFamilySpec, DEFAULT_WORKER_IMAGE_REPOSITORY } from "@family/immich-spec";
import { ImmichChart, renderKubernetes } from "@family/immich-k8s";
import { renderCompose } from "@family/immich-compose";
import { ImmichApiError } from "@family/immich-worker";
`,
  cjs: `const { readFileSync } = require("node:fs");
const { z } = require("zod");
const { parseSpec, immichFamilySpec, DEFAULT_WORKER_IMAGE_REPOSITORY } = require("@family/immich-spec");
const { renderKubernetes } = require("@family/immich-k8s");
const { renderCompose } = require("@family/immich-compose");
const { ImmichApiError } = require("@family/immich-worker");
`,
  body: `const result = parseSpec(readFileSync("family.yaml", "utf8"), "family.yaml");
if (!result.ok) throw new Error("family.yaml is invalid");
const k8s = renderKubernetes(result.value).map((f) => f.path);
const compose = renderCompose(result.value).map((f) => f.path);
const worker = renderKubernetes(result.value).find((f) => f.path === "worker.yaml")!.content;
const image = worker.split("\\n").find((l) => l.includes(DEFAULT_WORKER_IMAGE_REPOSITORY))!.trim();
console.log(JSON.stringify({ k8s: k8s.length, compose: compose.length, image, oneZod: immichFamilySpec instanceof z.ZodType, worker: typeof ImmichApiError }));
`,
};
const js = (ts: string) => ts.replaceAll(")!", ")");

describe("the installed libraries from an application", () => {
  const version = JSON.parse(readFileSync(join(root, "packages/k8s/package.json"), "utf8")).version as string;
  // The file counts the workspace's renderers give for the same example: the installed ones must agree.
  const example = parseSpec(readFileSync(join(root, "examples/family.yaml"), "utf8"), "family.yaml");
  if (!example.ok) throw new Error("examples/family.yaml is invalid");
  const expected = {
    k8s: renderKubernetes(example.value).length,
    compose: renderCompose(example.value).length,
    image: `image: ghcr.io/immich-family/immich-family:${version}`,
    oneZod: true,
    worker: "function",
  };
  const node = (file: string) => {
    const r = spawnSync(process.execPath, [file], { cwd: app, encoding: "utf8" });
    expect(r.stderr).toBe("");
    return JSON.parse(r.stdout);
  };

  beforeAll(() => {
    copyFileSync(join(root, "examples", "family.yaml"), join(app, "family.yaml"));
    writeFileSync(join(app, "esm.mjs"), js(USE.esm + USE.body));
    writeFileSync(join(app, "cjs.cjs"), js(USE.cjs + USE.body));
    // TypeScript, module nodenext: an ES module (.mts) and a CommonJS one (.cts), type-checked against
    // the published .d.ts and .d.cts, compiled, then run.
    writeFileSync(join(app, "app.mts"), USE.esm + USE.body);
    writeFileSync(join(app, "app.cts"), USE.esm + USE.body);
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          strict: true,
          skipLibCheck: true,
          types: ["node"],
          typeRoots: [join(root, "node_modules", "@types")],
          outDir: "out",
          rootDir: ".",
        },
        files: ["app.mts", "app.cts"],
      }),
    );
  });

  it("works from ESM (import)", () => {
    expect(node("esm.mjs")).toEqual(expected);
  });

  it("works from CommonJS (require)", () => {
    expect(node("cjs.cjs")).toEqual(expected);
  });

  it("type-checks and runs from TypeScript with module nodenext, as an ES module and as CommonJS", () => {
    const tsc = spawnSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], { cwd: app, encoding: "utf8" });
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(readFileSync(join(app, "out", "app.cjs"), "utf8")).toContain('require("@family/immich-spec")');
    expect(node("out/app.mjs")).toEqual(expected);
    expect(node("out/app.cjs")).toEqual(expected);
  });
});

// A user's own cdk8s project, on an older cdk8s and constructs than the workspace's, installs the k8s
// package beside them and builds its constructs into the user's Chart: one copy of constructs, so no
// `scope.node._scopes is not iterable`, and the objects land in the Chart's namespace.
describe("the k8s constructs in a user's own cdk8s project", () => {
  const user = join(work, "user");
  const USER_APP = `import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { App, Chart } from "cdk8s";
import { parseSpec } from "@family/immich-spec";
import { ImmichChart, installContext, Redis, UploadVolume } from "@family/immich-k8s";
const result = parseSpec(readFileSync("family.yaml", "utf8"), "family.yaml");
if (!result.ok) throw new Error("family.yaml is invalid");
const spec = result.value;
const app = new App();
const chart = new Chart(app, "mine", { namespace: "family" });
const install = installContext(spec, spec.targets.kubernetes, { names: { redis: "queue", upload: "photos" } });
new Redis(chart, "queue", { install, image: spec.targets.kubernetes.redisImage });
new UploadVolume(chart, "upload", { install, size: "100Gi" });
const whole = new ImmichChart(app, "immich", { spec });
const require = createRequire(import.meta.url);
const fromK8s = createRequire(require.resolve("@family/immich-k8s"));
console.log(JSON.stringify({
  objects: chart.toJson().map((o) => o.kind + "/" + o.metadata.namespace + "/" + o.metadata.name),
  wholeInstall: whole.toJson().length,
  constructs: JSON.parse(readFileSync("node_modules/constructs/package.json", "utf8")).version,
  oneConstructs: fromK8s.resolve("constructs") === require.resolve("constructs"),
  oneCdk8s: fromK8s.resolve("cdk8s") === require.resolve("cdk8s"),
}));
`;

  beforeAll(() => {
    mkdirSync(user);
    writeFileSync(
      join(user, "package.json"),
      JSON.stringify({ name: "my-cluster", private: true, type: "module", dependencies: { cdk8s: "2.60.0", constructs: "10.0.0" } }),
    );
    const ours = tarballs.filter((t) => /^family-immich-(spec|k8s)-/.test(t)).map((t) => join(work, t));
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...ours], { cwd: user, stdio: "pipe" });
    copyFileSync(join(root, "examples", "family.yaml"), join(user, "family.yaml"));
    writeFileSync(join(user, "main.mjs"), USER_APP);
  }, 600_000);

  it("renders Redis and the upload claim into the user's Chart, with the user's constructs and namespace", () => {
    const r = spawnSync(process.execPath, ["main.mjs"], { cwd: user, encoding: "utf8" });
    expect(r.stderr).toBe("");
    const example = parseSpec(readFileSync(join(root, "examples/family.yaml"), "utf8"), "family.yaml");
    if (!example.ok) throw new Error("examples/family.yaml is invalid");
    expect(JSON.parse(r.stdout)).toEqual({
      objects: ["Deployment/family/queue", "Service/family/queue", "PersistentVolumeClaim/family/photos"],
      wholeInstall: new ImmichChart(new App(), "immich", { spec: example.value }).toJson().length,
      constructs: "10.0.0",
      oneConstructs: true,
      oneCdk8s: true,
    });
  });
});
