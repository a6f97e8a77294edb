import { chmodSync, copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { recordingIo, EXAMPLES, runCli } from "../../test/helpers.js";
import { type Confirm, previewUpgrade, runUpgrade } from "./upgrade.js";

/** A temp folder holding a copy of examples/family.yaml (both targets) pinned at v2.7.5. */
function family(version = "v2.7.5"): { cwd: string; file: string; text: string } {
  const cwd = mkdtempSync(join(tmpdir(), "upgrade-"));
  const file = join(cwd, "family.yaml");
  copyFileSync(join(EXAMPLES, "family.yaml"), file);
  const text = readFileSync(file, "utf8").replace(/^( {2}version: )v[0-9.]+$/m, `$1${version}`);
  writeFileSync(file, text);
  return { cwd, file, text };
}

const never: Confirm = async () => {
  throw new Error("asked");
};

describe("immich-family upgrade", () => {
  it("v2.7.5 → v3.1.0 --yes --accept-new-defaults: prints the breaking changes, the manual steps and the diffs, then rewrites only the version", async () => {
    const { cwd, file, text } = family();
    expect(text).toMatch(/^# /m);
    const io = recordingIo();
    expect(await runUpgrade(cwd, io, "family.yaml", { to: "v3.1.0", yes: true, acceptNewDefaults: true }, never)).toBe(0);
    const out = io.out.join("\n");

    expect(io.out[0]).toBe("Upgrade family.yaml: Immich v2.7.5 → v3.1.0");
    expect(out).toContain("Breaking changes entering v3.x (19):");
    expect(out).toContain("ffmpeg audio codec `libopus` is now `opus`: a v2 config file listing `libopus` is fatal at start");
    expect(out).toContain("albums: responses lost `owner`, `ownerId` and `assets`; the owner is the `albumUsers` entry with role `owner`");
    expect(out).toContain("IMMICH_MACHINE_LEARNING_ENABLED is gone");
    expect(out).toContain("  mobile apps  v3.0.0 or newer");
    expect(out).toMatch(/Manual steps:\n {2}1\. Back up the database first/);
    expect(out).toContain("Defaults that change (2; old → new, from each line's default table):");
    expect(out).toContain("  ffmpeg.accelDecode          false → true; spec: not set → the new default true applies (--accept-new-defaults)");

    // The diff of every rendered file that changes, per target: image tags and the config header.
    expect(out).toContain("--- a/compose/compose.yaml\tv2.7.5\n+++ b/compose/compose.yaml\tv3.1.0");
    expect(out).toContain("-    image: ghcr.io/immich-app/immich-server:v2.7.5\n+    image: ghcr.io/immich-app/immich-server:v3.1.0");
    expect(out).toContain("--- a/kubernetes/server.yaml\tv2.7.5");
    expect(out).toMatch(/-\s+image: ghcr\.io\/immich-app\/immich-server:v2\.7\.5\n\+\s+image: ghcr\.io\/immich-app\/immich-server:v3\.1\.0/);
    expect(out).toContain("+# Immich server config (IMMICH_CONFIG_FILE) for rincewind, Immich v3.1.0, target compose.");
    expect(out).toContain("--- a/family.yaml\tv2.7.5\n+++ b/family.yaml\tv3.1.0\n@@");
    expect(out).toMatch(/Rendered files that change: [1-9][0-9]* of [0-9]+:\n {2}changed {2}kubernetes\//);

    // Byte for byte the same file but for the version's characters; comments kept.
    expect(readFileSync(file, "utf8")).toBe(text.replace(/^( {2}version: )v2\.7\.5$/m, "$1v3.1.0"));
    expect(io.out.at(-1)).toBe("wrote family.yaml: immich.version v2.7.5 → v3.1.0. next: immich-family render, then follow the manual steps above");
  });

  it("writes nothing without --yes off a terminal, and says how to", async () => {
    const { cwd, file, text } = family();
    const io = recordingIo();
    expect(await runUpgrade(cwd, io, "family.yaml", {}, never)).toBe(0);
    expect(io.out[0]).toBe("Upgrade family.yaml: Immich v2.7.5 → v3.1.0");
    expect(io.out.at(-1)).toBe("Nothing written. Run again with --yes to pin v3.1.0 in family.yaml.");
    expect(readFileSync(file, "utf8")).toBe(text);
  });

  it("asks on a terminal: yes writes (keeping the file's mode), no and cancel write nothing", async () => {
    const { cwd, file, text } = family();
    chmodSync(file, 0o600);
    const asked: string[] = [];
    const answer =
      (a: boolean | undefined): Confirm =>
      async (m) => {
        asked.push(m);
        return a;
      };
    expect(await runUpgrade(cwd, recordingIo(true), "family.yaml", {}, answer(false))).toBe(0);
    expect(await runUpgrade(cwd, recordingIo(true), "family.yaml", {}, answer(undefined))).toBe(1);
    expect(readFileSync(file, "utf8")).toBe(text);
    expect(await runUpgrade(cwd, recordingIo(true), "family.yaml", {}, answer(true))).toBe(0);
    expect(asked).toEqual(
      Array(3).fill("Pin Immich v3.1.0 in family.yaml? (immich.version, and the old defaults of ffmpeg.accelDecode pinned in immich.config)"),
    );
    expect(readFileSync(file, "utf8")).toBe(
      text.replace(
        "version: v2.7.5\n  timezone: Europe/Berlin\n",
        "version: v3.1.0\n  timezone: Europe/Berlin\n  config:\n    ffmpeg:\n      accelDecode: false\n",
      ),
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("refuses a downgrade with exit 2 and the reason, writing nothing", async () => {
    const { cwd, file, text } = family("v3.1.0");
    await expect(runUpgrade(cwd, recordingIo(), "family.yaml", { to: "v2.7.5", yes: true }, never)).rejects.toMatchObject({
      exitCode: 2,
      message:
        "refusing to upgrade family.yaml from v3.1.0 to v2.7.5: v2.7.5 is older than v3.1.0: Immich migrates its database forward at start and cannot run on a database a newer release migrated. To go back, restore the database backup taken before the upgrade, then pin v2.7.5 by hand",
    });
    expect(readFileSync(file, "utf8")).toBe(text);
  });

  it("refuses a line it does not know, and a jump over a required release, naming the next step", async () => {
    const { cwd } = family("v3.1.0");
    await expect(runUpgrade(cwd, recordingIo(), "family.yaml", { to: "v4.0.0" }, never)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/^refusing to upgrade family.yaml from v3.1.0 to v4.0.0: v4.0.0 is in a release line this tool does not know/),
      details: ["next: immich-family upgrade family.yaml --to v3.1.0"],
    });
    // A spec pinned below the v2 line is not one the tool renders: validation refuses it and names the
    // supported range (the required stops of v1 are the release table's, tested in upgrade-plan.test.ts).
    const old = family("v1.120.0");
    await expect(runUpgrade(old.cwd, recordingIo(), "family.yaml", { to: "v3.1.0" }, never)).rejects.toMatchObject({
      exitCode: 2,
      details: [
        expect.stringContaining(
          'immich.version: expected an Immich release on a supported line, >=v2.0.0 <v4.0.0 (the v2 and v3 lines), got "v1.120.0" [unsupported-version]',
        ),
      ],
    });
  });

  it("has nothing to do when the spec pins the newest release it knows", async () => {
    const { cwd } = family("v3.1.0");
    const io = recordingIo();
    expect(await runUpgrade(cwd, io, "family.yaml", {}, never)).toBe(0);
    expect(io.out).toEqual(["family.yaml already pins v3.1.0, the newest release this tool knows; nothing to do."]);
  });

  it("--output json: the plan, the diffs and whether it wrote", async () => {
    const { cwd } = family();
    const io = recordingIo();
    expect(await runUpgrade(cwd, io, "family.yaml", { to: "v3.1.0", output: "json" }, never)).toBe(0);
    const report = JSON.parse(io.out.join(""));
    expect(report).toMatchObject({ spec: "family.yaml", from: "v2.7.5", to: "v3.1.0", written: false, requirements: { mobileApp: { minimum: "v3.0.0" } } });
    expect(report.lines.map((l: { line: string }) => l.line)).toEqual(["v3"]);
    expect(report.diffs.find((d: { path: string }) => d.path === "compose.yaml")).toMatchObject({ target: "compose", status: "changed" });
  });

  it("renders only the declared targets and counts the files left as they are", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "upgrade-"));
    copyFileSync(join(EXAMPLES, "truenas.yaml"), join(cwd, "immich-family.yaml"));
    const text = readFileSync(join(cwd, "immich-family.yaml"), "utf8");
    writeFileSync(join(cwd, "immich-family.yaml"), text.replace(/^( {2}version: )v[0-9.]+$/m, "$1v2.7.5"));
    const preview = await previewUpgrade(cwd, undefined, "v3.1.0");
    if (!("plan" in preview)) throw new Error("nothing to do");
    expect(new Set(preview.diffs.map((d) => d.target))).toEqual(new Set(["compose"]));
    expect(preview.diffs.map((d) => d.path)).toEqual(expect.arrayContaining(["compose.yaml", "immich-config.yaml.tmpl"]));
    expect(preview.diffs.length + preview.unchanged).toBeGreaterThanOrEqual(4);
  });

  it("shows a config key the new line needs: an http:// issuer gets oauth.allowInsecureRequests on v3", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "upgrade-"));
    const spec = [
      "apiVersion: immich-family.dev/v1alpha1",
      "kind: ImmichFamily",
      "metadata: { name: lan }",
      "immich: { version: v2.7.5 } # the LAN install",
      "hosts: { web: photos.lan.example }",
      "auth:",
      "  oauth: { preset: generic, issuerUrl: http://idp.lan.example/realms/home, clientId: immich, clientSecret: '${IMMICH_OAUTH_CLIENT_SECRET}' }",
      "members: { ann: { name: Ann, email: ann@lan.example, admin: true } }",
      "targets:",
      "  compose: { user: { uid: 1000, gid: 1000 }, paths: { media: /srv/immich } }",
      "",
    ].join("\n");
    writeFileSync(join(cwd, "immich-family.yaml"), spec);
    const preview = await previewUpgrade(cwd, undefined, "v3.1.0", { acceptNewDefaults: true });
    if (!("plan" in preview)) throw new Error("nothing to do");
    const config = preview.diffs.find((d) => d.path === "immich-config.yaml.tmpl");
    expect(config?.patch).toMatch(/\n\+ {2}allowInsecureRequests: true\n/);
    expect(preview.upgraded).toBe(spec.replace("version: v2.7.5 }", "version: v3.1.0 }"));
  });

  it("--yes keeps the old line's behaviour: each changed default the spec does not set is pinned to its old value, one it sets is kept, one the new line refuses is named", async () => {
    const { cwd, file, text } = family();
    const io = recordingIo();
    expect(await runUpgrade(cwd, io, "family.yaml", { to: "v3.1.0", yes: true }, never)).toBe(0);
    const out = io.out.join("\n");
    expect(out).toContain(
      '  ffmpeg.acceptedAudioCodecs  ["aac","mp3","libopus"] → ["aac","mp3","opus"]; spec: not set → the new default ["aac","mp3","opus"] applies: v3.x refuses the old value',
    );
    expect(out).toContain(
      "  ffmpeg.accelDecode          false → true; spec: not set → pinned to the old false in immich.config (--accept-new-defaults takes the new one)",
    );
    // The rendered config keeps hardware decoding off, as on v2.
    expect(out).toMatch(/\+ {2}accelDecode: false\n/);
    expect(io.out.at(-1)).toBe(
      "wrote family.yaml: immich.version v2.7.5 → v3.1.0; kept the old defaults in immich.config: ffmpeg.accelDecode: false. next: immich-family render, then follow the manual steps above",
    );
    const written = readFileSync(file, "utf8");
    expect(written).toContain("  config:\n    ffmpeg:\n      accelDecode: false\n");
    // Every line of the old file is still there, in order.
    const kept = text.replace("version: v2.7.5", "version: v3.1.0").split("\n");
    let i = 0;
    for (const line of written.split("\n")) if (line === kept[i]) i++;
    expect(i).toBe(kept.length);

    // A spec that sets the key keeps its own value, and nothing is pinned.
    const own = family();
    writeFileSync(own.file, own.text.replace("  timezone: Europe/Berlin\n", "  timezone: Europe/Berlin\n  config: { ffmpeg: { accelDecode: true } }\n"));
    const io2 = recordingIo();
    expect(await runUpgrade(own.cwd, io2, "family.yaml", { to: "v3.1.0", yes: true }, never)).toBe(0);
    expect(io2.out.join("\n")).toContain("  ffmpeg.accelDecode          false → true; spec sets true: unchanged");
    expect(readFileSync(own.file, "utf8")).toContain("  config: { ffmpeg: { accelDecode: true } }\n");
  });

  it("the built CLI: exit 0 and the rewrite with --yes; exit 2 and the reason on stderr when refused", () => {
    const { cwd, file } = family();
    const ok = runCli(["upgrade", "family.yaml", "--to", "v3.1.0", "--yes"], cwd);
    expect(ok.stderr).toBe("");
    expect(ok.status).toBe(0);
    expect(readFileSync(file, "utf8")).toMatch(/^ {2}version: v3\.1\.0$/m);
    const refused = runCli(["upgrade", "family.yaml", "--to", "v2.7.5"], cwd);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/^error: refusing to upgrade family.yaml from v3.1.0 to v2.7.5: v2.7.5 is older than v3.1.0/);
  });
});
