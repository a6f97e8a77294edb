import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseSpec } from "@family/immich-spec";
import { describe, expect, it } from "vitest";
import { recordingIo, runCli, commandContext } from "../../test/helpers.js";
import { handleFromEmail } from "../_new-spec.js";
import { type Ask, init, initOptions, main, starterSpec } from "./init.js";

const ctx = (cwd: string, io = recordingIo()) => commandContext(cwd, io);
const dir = () => mkdtempSync(join(tmpdir(), "init-"));
const opts = { name: "smiths", webHost: "photos.smith.family", target: "both", immichVersion: "v2.7.5", adminEmail: "ann@smith.family" } as const;

describe("init", () => {
  it.each(["kubernetes", "compose", "both"] as const)("writes a commented starter spec for %s that validates", async (target) => {
    const cwd = dir();
    const io = recordingIo();
    expect(await main(ctx(cwd, io), [], { ...opts, target })).toBe(0);
    const text = readFileSync(join(cwd, "immich-family.yaml"), "utf8");
    const result = parseSpec(text);
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(text).toMatch(/^# yaml-language-server: \$schema=https:\/\/unpkg\.com\/@family\/immich-spec@/);
    expect(result.ok && Object.keys(result.value.targets)).toEqual(target === "both" ? ["kubernetes", "compose"] : [target]);
    expect(result.ok && result.value.members).toEqual({ ann: { name: "Ann", email: "ann@smith.family", admin: true } });
    expect(io.out[0]).toBe(`wrote immich-family.yaml (${target === "both" ? "kubernetes and compose targets" : `${target} target`})`);
  });

  it("refuses to overwrite without --force, and overwrites with it", async () => {
    const cwd = dir();
    writeFileSync(join(cwd, "mine.yaml"), "keep me\n");
    await expect(init(cwd, "mine.yaml", opts)).rejects.toMatchObject({
      exitCode: 2,
      message: "mine.yaml already exists. Pass --force to overwrite it, or name another file.",
    });
    expect(readFileSync(join(cwd, "mine.yaml"), "utf8")).toBe("keep me\n");
    await init(cwd, "mine.yaml", opts, true);
    expect(readFileSync(join(cwd, "mine.yaml"), "utf8")).toContain("web: photos.smith.family");
  });

  it.each([
    [{ target: "swarm" }, '--target must be kubernetes, compose or both, got "swarm"'],
    [
      { webHost: "https://photos.x.org" },
      '--web-host must be a lowercase DNS host name such as photos.example.com (no scheme, no path), got "https://photos.x.org"',
    ],
    [{ name: "The Smiths" }, '--name must be a lowercase name of letters, digits and dashes, starting with a letter, got "The Smiths"'],
    [{ adminEmail: "ann" }, '--admin-email must be an email address, got "ann"'],
    [{ immichVersion: "latest" }, '--immich-version must be a pinned release such as v3.1.0, got "latest"'],
  ])("rejects bad flags with exit 2: %o", async (bad, message) => {
    const cwd = dir();
    await expect(main(ctx(cwd), [], { ...opts, ...bad })).rejects.toMatchObject({ exitCode: 2, message });
  });

  it("uses defaults off a TTY and never asks", async () => {
    const ask: Ask = async () => {
      throw new Error("asked");
    };
    expect(await initOptions("/home/x/Smith Photos", {}, recordingIo(false), ask)).toEqual({
      name: "smith-photos",
      webHost: "photos.example.com",
      target: "kubernetes",
      immichVersion: "v3.1.0",
      adminEmail: "admin@example.com",
    });
  });

  it("asks on a TTY for what the flags did not give", async () => {
    const asked: string[] = [];
    const ask: Ask = async (missing) => {
      asked.push(...missing);
      return { target: "compose", adminEmail: "bo@x.org" };
    };
    const options = await initOptions("/tmp/x", { name: "fam", webHost: "p.x.org" }, recordingIo(true), ask);
    expect(asked).toEqual(["target", "adminEmail"]);
    expect(options).toMatchObject({ name: "fam", webHost: "p.x.org", target: "compose", adminEmail: "bo@x.org" });
  });

  it("makes a member handle from the admin email", () => {
    expect([handleFromEmail("Ann.Smith@x.org"), handleFromEmail("42@x.org"), handleFromEmail("bo_b@x.org")]).toEqual(["ann-smith", "admin", "bo-b"]);
  });

  it("keeps the starter readable: comments explain the choices", () => {
    expect(starterSpec({ ...opts, target: "compose" })).toContain("hwaccel: cpu                   # cpu, nvenc, quicksync, rkmpp or vaapi");
  });
});

describe("built CLI: init", () => {
  it("writes a spec that the built validate accepts", () => {
    const cwd = dir();
    const r = runCli(["init", "--name", "smiths", "--web-host", "photos.smith.family", "--target", "compose", "--admin-email", "ann@smith.family"], cwd);
    expect(r.status).toBe(0);
    expect(runCli(["validate"], cwd).status).toBe(0);
  });
  it("exits 2 on a bad flag and on an existing file", () => {
    const cwd = dir();
    expect(runCli(["init", "--target", "swarm"], cwd).status).toBe(2);
    expect(runCli(["init"], cwd).status).toBe(0);
    const again = runCli(["init"], cwd);
    expect([again.status, again.stderr.trim()]).toEqual([2, "error: immich-family.yaml already exists. Pass --force to overwrite it, or name another file."]);
  });
  it("shows examples in --help", () => {
    expect(runCli(["init", "--help"], dir()).stdout).toContain("immich-family init photos.yaml --name smiths");
  });
});
