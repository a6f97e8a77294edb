import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildComposeFile } from "@family/immich-compose";
import { createFakeImmich, type FakeImmich } from "@family/fake-immich";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLES, exampleSpec, minimalInput, specText } from "./helpers.js";

// Slow, end to end: the container image's contents without a Docker engine. The deploy folder is
// built with the Dockerfile's own `pnpm deploy` command, then what the containers run is run from it
// with the runtime stage's ENV and CMD, as the image's non-root user (uid 1000; under root this
// test switches to it with setpriv, otherwise it already runs as a non-root user).
const root = fileURLToPath(new URL("../../../", import.meta.url));
const dockerfile = readFileSync(join(root, "packages/worker/Dockerfile"), "utf8");
const UID = 1000;

/** The Dockerfile's facts this test follows: the deploy command and its pruning, the runtime labels, ENV, USER and CMD. */
function imageFacts() {
  const deploy = /RUN .*?pnpm (--filter=\S+ deploy --prod --legacy) \/out/.exec(dockerfile)?.[1]?.split(" ");
  const prune = /^RUN (find \/out (?:.*\\\n)*.*)$/m.exec(dockerfile)?.[1];
  const runtime = dockerfile.slice(dockerfile.indexOf("AS runtime"));
  const version = /^ARG VERSION=(\S+)$/m.exec(runtime)?.[1] ?? "";
  const labelBlock = /^LABEL ((?:.*\\\n)*.*)$/m.exec(runtime)?.[1] ?? "";
  const labels = Object.fromEntries([...labelBlock.matchAll(/([a-z.]+)="([^"]*)"/g)].map((m) => [m[1], m[2]!.replace("${VERSION}", version)]));
  const envBlock = /^ENV ((?:.*\\\n)*.*)$/m.exec(runtime)?.[1] ?? "";
  const env = Object.fromEntries([...envBlock.matchAll(/([A-Z_]+)=("[^"]*"|\S+)/g)].map((m) => [m[1], m[2]!.replace(/^"|"$/g, "")]));
  const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(runtime)?.[1] ?? "null") as string[] | null;
  const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(runtime)?.[1] ?? "null") as string[] | null;
  const user = /^USER (\S+)$/m.exec(runtime)?.[1];
  const healthcheck = JSON.parse(/^\s+CMD (\[.*\])$/m.exec(runtime.slice(runtime.indexOf("HEALTHCHECK")))?.[1] ?? "null") as string[] | null;
  if (!deploy || !prune || !cmd || !entrypoint || !user || !healthcheck)
    throw new Error("the Dockerfile no longer has the deploy and pruning RUNs, ENTRYPOINT, CMD, USER or HEALTHCHECK this test follows");
  return { deploy, prune, labels, env, cmd, entrypoint, user, healthcheck };
}

const facts = imageFacts();
const work = mkdtempSync(join(tmpdir(), "immich-family-image-"));
const app = join(work, "app");
const etc = join(work, "etc");
const state = join(work, "state");
const home = join(work, "home");
/** The image's paths, mapped into the temp folder. */
const local = (arg: string) => arg.replace("/etc/immich-family", etc).replace("/var/lib/immich-family", state);
const asRoot = process.getuid?.() === 0;
const env = (extra: Record<string, string>) => ({
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  HOME: home,
  ...facts.env,
  IMMICH_FAMILY_STATE_DIR: state,
  ...extra,
});

/** `immich-family <args>` as the image's ENTRYPOINT runs it, as the image's user. */
function command(args: readonly string[]): [string, string[]] {
  const entry = facts.entrypoint[0] === "immich-family" ? [process.execPath, join(app, "dist", "cli.cjs")] : [];
  const argv = [...entry, ...args.map(local)];
  return asRoot ? ["setpriv", [`--reuid=${UID}`, `--regid=${UID}`, "--clear-groups", "--", ...argv]] : [argv[0]!, argv.slice(1)];
}
function run(args: readonly string[], extraEnv: Record<string, string> = {}) {
  const [bin, argv] = command(args);
  return spawnSync(bin, argv, { cwd: state, encoding: "utf8", env: env(extraEnv) });
}

let fake: FakeImmich;
let key: string;
beforeAll(async () => {
  execFileSync("pnpm", [...facts.deploy, app], { cwd: root, stdio: "pipe" });
  execFileSync("sh", ["-c", facts.prune.replaceAll("/out", app).replaceAll("\\\n", " ")], { stdio: "pipe" });
  for (const dir of [etc, state, home, join(work, "photos", "2024")]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(work, "photos", "2024", "a.jpg"), "jpg");
  chmodSync(work, 0o755);
  if (asRoot) for (const dir of [state, home]) chownSync(dir, UID, UID);
  fake = await createFakeImmich();
  const ann = fake.addUser({ email: "ann@example.com", isAdmin: true });
  key = fake.addApiKey(ann, ["all"], "worker");
  writeFileSync(join(etc, "worker-spec.yaml"), specText(minimalInput({ family: { owner: "ann", path: join(work, "photos") } })));
  cpSync(join(EXAMPLES, "ponder.yaml"), join(etc, "ponder.yaml"));
}, 600_000);
afterAll(async () => {
  await fake?.close();
  rmSync(work, { recursive: true, force: true });
});

describe("the image's deploy folder, run as the image runs it", () => {
  it("follows the Dockerfile: deploy with production dependencies only, run as the non-root node user, the worker's spec where render mounts it", async () => {
    expect(facts.deploy).toEqual(["--filter=@family/immich-cli", "deploy", "--prod", "--legacy"]);
    const { CONTAINER_PATHS } = await import("@family/immich-spec/facts");
    expect(facts.cmd.slice(0, 2)).toEqual(["worker", CONTAINER_PATHS.workerSpecFile]);
    expect(facts.user).toBe("node");
    expect(existsSync(join(app, "node_modules", "vitest"))).toBe(false);
    expect(existsSync(join(app, "node_modules", "@family", "immich-worker", "dist", "index.js"))).toBe(true);
  });

  it("says what it is: OCI labels for source, version, licenses and description, also in a plain docker build", () => {
    const cli = JSON.parse(readFileSync(join(root, "apps/cli/package.json"), "utf8")) as { version: string; license: string; repository: { url: string } };
    expect(facts.labels).toMatchObject({
      "org.opencontainers.image.source": cli.repository.url.replace(/^git\+/, "").replace(/\.git$/, ""),
      "org.opencontainers.image.version": cli.version,
      "org.opencontainers.image.licenses": cli.license,
      "org.opencontainers.image.description": expect.stringContaining("immich-family"),
    });
    expect(readFileSync(join(root, ".github/workflows/image.yml"), "utf8")).toContain("VERSION=${{ inputs.version }}");
  });

  it("carries only what runs: no source maps, no dependency's tests; reports its size", async ({ annotate }) => {
    const files = walk(app);
    expect(files.filter((f) => f.path.endsWith(".map"))).toEqual([]);
    expect(files.filter((f) => /\/node_modules\/.*\/(test|tests|__tests__)\//.test(f.path))).toEqual([]);
    const bytes = files.reduce((sum, f) => sum + f.size, 0);
    await annotate(`application layer: ${(bytes / 1e6).toFixed(1)} MB in ${files.length} files`);
    // 20.2 MB in 2,388 files when measured (2026-12-06); 28.0 MB in 3,278 with the source maps and tests.
    expect(bytes).toBeLessThan(25e6);
  });

  it("runs on Debian slim (glibc, for @immich/walkrs) of the newest Node line CI tests, which the packages' engines allow", () => {
    const base = /^ARG NODE_IMAGE=node:(\d+)-(\w+)-slim$/m.exec(dockerfile);
    expect(base?.[2]).toMatch(/^(bookworm|trixie)$/);
    const ci = readFileSync(join(root, ".github/workflows/ci.yml"), "utf8");
    const lines = JSON.parse(/^\s+node: (\[.*\])$/m.exec(ci)?.[1] ?? "[]") as string[];
    expect(lines.length).toBeGreaterThan(1);
    expect(Number(base?.[1])).toBe(Math.max(...lines.map((l) => Number.parseInt(l, 10))));
    const engines = JSON.parse(readFileSync(join(root, "apps/cli/package.json"), "utf8")).engines.node as string;
    expect(engines).toBe(`>=${lines[0]}`);
  });

  it("is published by the image workflow under the repository render writes by default, for amd64 and arm64", async () => {
    const workflow = readFileSync(join(root, ".github/workflows/image.yml"), "utf8");
    const { DEFAULT_WORKER_IMAGE_REPOSITORY } = await import("@family/immich-spec");
    expect(workflow).toContain("require('./packages/spec').DEFAULT_WORKER_IMAGE_REPOSITORY");
    expect(workflow).not.toContain(DEFAULT_WORKER_IMAGE_REPOSITORY);
    expect(workflow).toContain("file: packages/worker/Dockerfile");
    expect(workflow).toContain("platforms: linux/amd64,linux/arm64");
    expect(workflow).toMatch(/sbom: true\n\s+provenance: mode=max/);
  });

  it("answers --version", () => {
    const version = JSON.parse(readFileSync(join(root, "apps/cli/package.json"), "utf8")).version as string;
    const r = run(["--version"]);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toMatch(new RegExp(`^immich-family/${version.replaceAll(".", "\\.")} `));
  });

  it("runs the init step: config fill writes the filled config, mode 0600, owned by the image's user", () => {
    const template = join(state, "immich-config.yaml.tmpl");
    const rendered = run(["config", "render", join(etc, "ponder.yaml"), "--out", template]);
    expect([rendered.status, rendered.stderr.trim()]).toEqual([0, `wrote ${template}`]);
    const keys = [...new Set([...readFileSync(template, "utf8").matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]!))];
    expect(keys.length).toBeGreaterThan(0);
    const out = join(state, "immich.yaml");
    const missing = run(["config", "fill", "--template", template, "--out", out]);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain(keys[0]);
    expect(existsSync(out)).toBe(false);
    const filled = run(["config", "fill", "--template", template, "--out", out], Object.fromEntries(keys.map((k) => [k, `value-of-${k}`])));
    expect(filled.status, filled.stderr).toBe(0);
    expect(filled.stdout + filled.stderr).not.toContain("value-of-");
    expect(readFileSync(out, "utf8")).toContain(`value-of-${keys[0]}`);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    if (asRoot) expect(statSync(out).uid).toBe(UID);
  });

  it("runs the default command, the worker, against a server until /healthz is healthy, and stops on SIGTERM", async () => {
    const port = await freePort();
    const [bin, argv] = command([...facts.cmd, "--port", String(port)]);
    const child: ChildProcess = spawn(bin, argv, { cwd: state, env: env({ IMMICH_URL: fake.url, IMMICH_API_KEY: key }), stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const healthy = await until(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok === true, 60_000);
      expect(healthy, output).toBe(true);
      // It also reconciled the spec's library on the server.
      expect(await until(async () => fake.requests.some((r) => r.method === "POST" && r.path.endsWith("/libraries")), 30_000), output).toBe(true);
      // The image's HEALTHCHECK, and the rendered Compose service's, pass once the worker has done its first job.
      expect(await until(async () => healthcheck(port) === 0, 30_000), output).toBe(true);
      expect(composeHealthcheck(port)).toBe(0);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited, output).toBe(0);
    expect(output).not.toContain(key);
  });

  it("is alive but not healthy while the server rejects its key: the HEALTHCHECK asks /readyz", async () => {
    const port = await freePort();
    const [bin, argv] = command([...facts.cmd, "--port", String(port)]);
    const child: ChildProcess = spawn(bin, argv, {
      cwd: state,
      env: env({ IMMICH_URL: fake.url, IMMICH_API_KEY: "not-a-key-the-server-knows" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      expect(await until(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok === true, 60_000), output).toBe(true);
      // Its first request was refused (401): from then on, and for 3 s more, the HEALTHCHECK fails.
      expect(await until(async () => fake.requests.some((r) => r.status === 401), 30_000), output).toBe(true);
      expect(await until(async () => healthcheck(port) === 0, 3_000), output).toBe(false);
      expect(healthcheck(port)).toBe(1);
      // The rendered Compose service's healthcheck says the same.
      expect(composeHealthcheck(port)).toBe(1);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited, output).toBe(0);
  });
});

/** The rendered Compose worker's healthcheck (`CMD node -e …`), run against the worker on `port`: its exit code. */
function composeHealthcheck(port: number): number | null {
  const test = buildComposeFile(exampleSpec("family")).services["immich-worker"]?.healthcheck?.test ?? [];
  expect(test.slice(0, 3)).toEqual(["CMD", "node", "-e"]);
  return spawnSync(process.execPath, ["-e", String(test[3]).replace(":9464/", `:${port}/`)], { encoding: "utf8", timeout: 10_000 }).status;
}

/** The image's HEALTHCHECK command, run against the worker on `port`: its exit code. */
function healthcheck(port: number): number | null {
  const [bin = "", ...args] = facts.healthcheck.map((a) => a.replace(":9464/", `:${port}/`));
  return spawnSync(bin === "node" ? process.execPath : bin, args, { encoding: "utf8", timeout: 10_000 }).status;
}

/** Every regular file under `dir`, links not followed (pnpm's links would count packages twice). */
/** Every regular file under `dir`, links not followed (as `find` in the Dockerfile; Node 24's recursive readdir follows them). */
function walk(dir: string): { path: string; size: number }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return walk(path);
    return e.isFile() ? [{ path, size: statSync(path).size }] : [];
  });
}

async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
