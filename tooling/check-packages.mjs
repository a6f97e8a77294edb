// Checks each publishable package as it would be published: publint (package.json, files, exports)
// and arethetypeswrong (types and runtime resolve alike from ESM, CommonJS and bundlers).
// The libraries are dual ESM + CommonJS; the CLI package is ESM only (its API is for ESM users).
// First, every third-party version of the workspace is pinned once, in the pnpm-workspace.yaml catalog:
// each package.json names its dependencies `catalog:` (or `workspace:` for the workspace's own).
// Each publishable package publishes `publishConfig.exports`: its `exports` without the workspace's
// `@family/source` condition (which points at src/, not published); the two must not drift apart.
// Every changeset names only publishable packages, each with a bump.
// Then every type the packages export from their index.ts carries a doc comment.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("..", import.meta.url));
const packages = [
  // node10 (no `exports`) cannot reach the ./schema.json subpath; "." works there through `main`.
  { dir: "packages/spec", attw: ["--profile", "node16"] },
  { dir: "packages/k8s", attw: [] },
  { dir: "packages/compose", attw: [] },
  { dir: "packages/worker", attw: [] },
  { dir: "apps/cli", attw: ["--profile", "esm-only"] },
];
let failed = 0;
const manifests = ["package.json"];
for (const group of ["apps", "packages", "tooling"]) {
  for (const name of readdirSync(`${root}${group}`)) {
    if (existsSync(`${root}${group}/${name}/package.json`)) manifests.push(`${group}/${name}/package.json`);
  }
}
for (const manifest of manifests) {
  const pkg = JSON.parse(readFileSync(`${root}${manifest}`, "utf8"));
  for (const field of ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"]) {
    for (const [dep, range] of Object.entries(pkg[field] ?? {})) {
      if (range.startsWith("catalog:") || range.startsWith("workspace:")) continue;
      console.error(`${manifest}: ${field}.${dep} is "${range}"; add it to the catalog in pnpm-workspace.yaml and use "catalog:"`);
      failed++;
    }
  }
}
const withoutSource = (e) =>
  e && typeof e === "object" ? Object.fromEntries(Object.entries(e).flatMap(([k, v]) => (k === "@family/source" ? [] : [[k, withoutSource(v)]]))) : e;
for (const { dir } of packages) {
  const pkg = JSON.parse(readFileSync(`${root}${dir}/package.json`, "utf8"));
  if (!isDeepStrictEqual(pkg.publishConfig?.exports, withoutSource(pkg.exports))) {
    console.error(`${dir}/package.json: publishConfig.exports must be exports without the "@family/source" conditions`);
    failed++;
  }
}
const entries = [
  "packages/spec/src/index.ts",
  "packages/k8s/src/index.ts",
  "packages/compose/src/index.ts",
  "packages/worker/src/index.ts",
  "apps/cli/src/index.ts",
].map((e) => `${root}${e}`);
const program = ts.createProgram(entries, {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  strict: true,
  skipLibCheck: true,
  noEmit: true,
});
const checker = program.getTypeChecker();
for (const entry of entries) {
  const source = program.getSourceFile(entry);
  for (const exported of checker.getExportsOfModule(checker.getSymbolAtLocation(source))) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    for (const d of symbol.declarations ?? []) {
      if (!(ts.isInterfaceDeclaration(d) || ts.isTypeAliasDeclaration(d)) || ts.getJSDocCommentsAndTags(d).length > 0) continue;
      const file = d.getSourceFile();
      console.error(
        `${file.fileName.replace(root, "")}:${file.getLineAndCharacterOfPosition(d.getStart()).line + 1}: exported type ${symbol.name} has no doc comment`,
      );
      failed++;
    }
  }
}
// Each changeset's front matter names only publishable packages with a bump (a formatter once turned one
// into a Markdown heading, which `changeset version` refuses at release time, not before).
const publishable = new Set(packages.map(({ dir }) => JSON.parse(readFileSync(`${root}${dir}/package.json`, "utf8")).name));
for (const name of readdirSync(`${root}.changeset`).filter((f) => f.endsWith(".md") && f !== "README.md")) {
  const front = /^---\n([\s\S]*?)\n---\n/.exec(readFileSync(`${root}.changeset/${name}`, "utf8"))?.[1];
  const lines = front?.split("\n").filter((l) => l.trim() !== "") ?? [];
  const bad = lines.filter((l) => {
    const m = /^"(@family\/[a-z0-9-]+)": (patch|minor|major)$/.exec(l);
    return !m || !publishable.has(m[1]);
  });
  if (front === undefined || lines.length === 0 || bad.length > 0) {
    console.error(`.changeset/${name}: front matter must be lines of "<package>": patch|minor|major${bad.length ? `, not ${JSON.stringify(bad[0])}` : ""}`);
    failed++;
  }
}
// Both tools read the tarball `pnpm pack` makes (publishConfig applied), not the workspace's manifest.
const packs = mkdtempSync(join(tmpdir(), "check-packages-"));
for (const { dir, attw } of packages) {
  const out = join(packs, dir.replace("/", "-"));
  const packed = spawnSync("pnpm", ["pack", "--pack-destination", out], { cwd: `${root}${dir}`, encoding: "utf8" });
  const tarball = packed.status === 0 ? readdirSync(out).find((f) => f.endsWith(".tgz")) : undefined;
  if (!tarball) {
    console.error(`${dir}: pnpm pack failed (exit ${packed.status})\n${packed.stderr}`);
    failed++;
    continue;
  }
  for (const [tool, args] of [
    ["publint", ["--strict", "--pack", "pnpm"]],
    ["attw", [join(out, tarball), "--format", "table-flipped", ...attw]],
  ]) {
    const r = spawnSync("pnpm", ["exec", tool, ...args], { cwd: `${root}${dir}`, stdio: "inherit" });
    if (r.status !== 0) {
      console.error(`${dir}: ${tool} failed (exit ${r.status})`);
      failed++;
    }
  }
}
rmSync(packs, { recursive: true, force: true });
process.exit(failed > 0 ? 1 : 0);
