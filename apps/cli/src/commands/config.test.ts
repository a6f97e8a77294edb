import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { load } from "js-yaml";
import { beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BUILT_CLI, EXAMPLES, runCommand } from "../../test/helpers.js";
import { main } from "./config.js";

const TEMPLATE = ["oauth:", "  enabled: true", "  clientId: ${CLIENT_ID}", "  clientSecret: ${CLIENT_SECRET}", "  buttonText: Login", ""].join("\n");
const SECRET = "s3cr$t ${CLIENT_ID} \"quoted\" 'single'\nnew line ünïcødé 😀";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "config-fill-"));
  await writeFile(join(dir, "in.tmpl"), TEMPLATE);
});

const run = (env: Record<string, string>, args: (string | undefined)[], flags: Record<string, unknown>) => runCommand(main, dir, args, flags, env);

describe("config fill", () => {
  it("fills every placeholder, writes mode 0600, and the server's reader gets the values back exactly", async () => {
    const r = await run({ CLIENT_ID: "id-1", CLIENT_SECRET: SECRET }, ["fill"], { template: "in.tmpl", out: "out/immich.yaml" });
    expect(r.code).toBe(0);
    const text = await readFile(join(dir, "out/immich.yaml"), "utf8");
    for (const config of [parse(text), load(text)] as { oauth: Record<string, unknown> }[]) {
      expect(config.oauth).toEqual({ enabled: true, clientId: "id-1", clientSecret: SECRET, buttonText: "Login" });
    }
    expect((await stat(join(dir, "out/immich.yaml"))).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, "out"))).toEqual(["immich.yaml"]);
  });

  it("fails with exit 1 naming every unresolved key, writes nothing, keeps an existing file", async () => {
    await writeFile(join(dir, "immich.yaml"), "previous: true\n");
    const r = await run({ CLIENT_SECRET: "" }, ["fill"], { template: "in.tmpl", out: "immich.yaml" });
    expect(r.code).toBe(1);
    expect(r.err).toContain("2 unresolved placeholders: CLIENT_ID, CLIENT_SECRET");
    expect(await readFile(join(dir, "immich.yaml"), "utf8")).toBe("previous: true\n");
    expect((await readdir(dir)).sort()).toEqual(["immich.yaml", "in.tmpl"]);
  });

  it("never prints a value, on success or failure", async () => {
    const ok = await run({ CLIENT_ID: "visible-id-123", CLIENT_SECRET: SECRET }, ["fill"], { template: "in.tmpl", out: "a.yaml" });
    const bad = await run({ CLIENT_ID: "visible-id-123" }, ["fill"], { template: "in.tmpl", out: "b.yaml" });
    for (const r of [ok, bad]) {
      const printed = r.out + r.err;
      expect(printed).not.toContain("s3cr");
      expect(printed).not.toContain("visible-id-123");
    }
    expect(ok.err).toBe("wrote a.yaml (mode 0600)");
  });

  it("asks for --template and --out, and reports an unreadable template", async () => {
    expect((await run({}, ["fill"], { out: "x" })).code).toBe(2);
    expect((await run({}, ["fill"], { template: "in.tmpl" })).code).toBe(2);
    const missing = await run({}, ["fill"], { template: "nope.tmpl", out: "x" });
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("Cannot read the config template nope.tmpl: ENOENT");
  });
});

describe("config render", () => {
  it("prints the template of a one-target spec", async () => {
    const r = await run({}, ["render", join(EXAMPLES, "truenas.yaml")], {});
    expect(r.code).toBe(0);
    const config = parse(r.out) as Record<string, Record<string, unknown>>;
    expect(config.oauth?.clientSecret).toBe(`\${IMMICH_OAUTH_CLIENT_SECRET}`);
    expect(config.ffmpeg).toEqual({ accel: "qsv" });
  });

  it("needs --target when the spec declares both, and writes --out", async () => {
    const both = join(EXAMPLES, "family.yaml");
    const r = await run({}, ["render", both], {});
    expect(r.code).toBe(2);
    expect(r.err).toContain("--target kubernetes or --target compose");
    const w = await run({}, ["render", both], { target: "kubernetes", out: "tmpl/immich-config.yaml.tmpl" });
    expect(w.code).toBe(0);
    const config = parse(await readFile(join(dir, "tmpl/immich-config.yaml.tmpl"), "utf8")) as Record<string, Record<string, unknown>>;
    expect(config.machineLearning?.urls).toEqual(["http://rincewind-machine-learning.photos.svc:3003"]);
  });

  it("rejects an unknown action", async () => {
    const r = await run({}, ["frobnicate"], {});
    expect(r.code).toBe(2);
    expect(r.err).toContain("config render");
  });
});

// The init containers run the built binary: check the real process (exit code, streams, file).
describe("config fill, as the init step runs it", () => {
  function spawnFill(env: Record<string, string>) {
    return spawnSync(process.execPath, [BUILT_CLI, "config", "fill", "--template", "in.tmpl", "--out", "immich.yaml"], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", ...env },
      encoding: "utf8",
    });
  }

  it("fills, exits 0 and prints no value", async () => {
    const r = spawnFill({ CLIENT_ID: "visible-id-123", CLIENT_SECRET: SECRET });
    expect([r.status, r.stdout, r.stderr]).toEqual([0, "", "wrote immich.yaml (mode 0600)\n"]);
    expect((load(await readFile(join(dir, "immich.yaml"), "utf8")) as { oauth: Record<string, unknown> }).oauth.clientSecret).toBe(SECRET);
  });

  it("exits 1 naming every missing key, prints no value, writes nothing", async () => {
    const r = spawnFill({ CLIENT_ID: "visible-id-123" });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("1 unresolved placeholder: CLIENT_SECRET");
    expect(r.stderr).not.toContain("visible-id-123");
    expect(existsSync(join(dir, "immich.yaml"))).toBe(false);
  });
});
