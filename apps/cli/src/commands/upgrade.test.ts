import { chmodSync, copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { recordingIo, EXAMPLES, paragraph, runCli, runCommand, seen } from "../../test/helpers.js";
import { type Confirm, main, previewUpgrade, runUpgrade } from "./upgrade.js";

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
    // The report as the user reads it, but for the diffs of the rendered files (their content is checked below).
    const rendered = /^--- a\/(compose|kubernetes)\//;
    expect(io.out.filter((l) => !rendered.test(l)).join("\n")).toMatchInlineSnapshot(`
      "Upgrade family.yaml: Immich v2.7.5 → v3.1.0

      Breaking changes entering v3.x (19):
        config            ffmpeg audio codec \`libopus\` is now \`opus\`: a v2 config file listing \`libopus\` is fatal at start
                          → the rendered config sets no audio codec; a config kept outside the spec must say \`opus\` [checked against Immich v3.1.0's own config validator]
        config            16 keys added, none removed: ffmpeg.realtime.*, integrityChecks.*, job.integrityCheck, newVersionCheck.channel, oauth.allowInsecureRequests, oauth.prompt, oauth.endSessionEndpoint
                          → left out of the rendered config, so Immich's defaults apply (a new nightly integrity check reads every external file: extra NAS I/O) [checked against Immich v3.1.0's own config validator]
        config            cron expressions are checked even when their job is disabled
                          → the rendered config writes a scan cron only for libraries rescanned by Immich, and \`validate\` checks it (rule immich-cron) [checked against Immich v3.1.0's own config validator]
        config            \`machineLearning.urls: []\` is fatal, even with machine learning off
                          → the rendered config writes urls only with machine learning on, never an empty list [checked against Immich v3.1.0's own config validator]
        config            a URL without a scheme (e.g. accounts.google.com as the OAuth issuer) is fatal
                          → the spec requires the scheme; externalDomain and the preset issuers are rendered with https:// [checked against Immich v3.1.0's own config validator; immich.app/blog/v3-migration]
        config            numbers written as strings are fatal for most numeric keys
                          → the rendered config writes no number as a string [checked against Immich v3.1.0's own config validator]
        config            oauth.allowInsecureRequests defaults to false: an http:// issuer fails discovery
                          → the rendered config sets allowInsecureRequests: true on v3 when the issuer is http:// [immich.app/blog/v3-migration]
        api               albums: the \`shared\` query parameter is now \`isShared\` (the old one is silently ignored); GET /albums without parameters also lists albums shared with you
                          → the worker lists albums without that parameter and reads each album's owner in either shape [seen on a running v3.1.0 server]
        api               albums: responses lost \`owner\`, \`ownerId\` and \`assets\`; the owner is the \`albumUsers\` entry with role \`owner\`; \`withoutAssets\` is gone
                          → the worker takes the owner from \`albumUsers\` on v3 and from \`ownerId\` on v2 [seen on a running v3.1.0 server]
        api               libraries: PUT /libraries/{id} is deprecated for PATCH
                          → the worker still updates libraries with PUT (through @immich/sdk), which v3 keeps serving [Immich v3.1.0's OpenAPI spec]
        api               validation errors have a new body (zod), and the correlation id moved to the X-Correlation-ID header
                          → the worker reports the server's message in both shapes [immich.app/blog/v3-migration]
        env               IMMICH_MACHINE_LEARNING_ENABLED is gone (machine learning on/off is the config key machineLearning.enabled)
                          → not rendered; the config file carries machineLearning.enabled [checked against Immich v3.1.0's own config validator]
        env               DB_VECTOR_EXTENSION=pgvecto.rs is fatal
                          → the renderers set DB_VECTOR_EXTENSION to vectorchord [immich.app/blog/v3-migration]
        env               removed: IMMICH_MACHINE_LEARNING_PING_TIMEOUT (now machineLearning.availabilityChecks.timeout), MACHINE_LEARNING_PRELOAD__CLIP and MACHINE_LEARNING_PRELOAD__FACIAL_RECOGNITION (now split by model part); new: IMMICH_HELMET_FILE
                          → none of them is rendered; remove them from env files kept beside the rendered ones [immich.app/blog/v3-migration]
        database          pgvecto.rs support is removed
                          → installs rendered by this tool use VectorChord; an adopted install must show \`vchord\` and no \`vectors\` in pg_extension before the upgrade [immich.app/blog/v3-migration]
        machine-learning  x86 CPUs must support x86-64-v2 (numpy); AVX is not required
                          → nothing to render; nearly every x86 CPU since 2010 qualifies [immich.app/blog/v3-migration]
        metrics           exported metric names use dots instead of underscores
                          → dashboards and alerts on the server's metrics (ports 8081/8082) must be updated by hand [immich.app/blog/v3-migration]
        jobs              the AuditLogCleanup job is removed
                          → nothing to do; the rendered config does not name it [immich.app/blog/v3-migration]
        mobile            the legacy timeline of the mobile app is removed
                          → members update the apps; see the minimum app version [immich.app/blog/v3-migration]

      Requirements of v3.x:
        database     PostgreSQL >=14 <19, VectorChord >=0.3.0 <2.0.0 (unchanged from late v2.x)
                     refused: pgvecto.rs: support is removed, DB_VECTOR_EXTENSION=pgvecto.rs is fatal at start, and a database still on it must first be migrated by a v2.x server
                     images: unchanged: the rendered database images carry VectorChord only, so moving from v2.x changes no database image
        mobile apps  v3.0.0 or newer: the apps warn when their major version is behind the server's; v3.0.1 fixed albums for v2 apps, but the v3 notes give no older app as supported [Immich mobile app, lib/utils/version_compatibility.dart; v3.0.1 release notes]

      Manual steps:
        1. Back up the database first, and keep the backup until the new release has run for a while: Immich migrates the database at start, and going back means restoring this backup (Compose: the backup service or \`pg_dumpall\`; Kubernetes: a CloudNativePG backup or volume snapshot).
        2. Make sure the database uses VectorChord: \`SELECT extname FROM pg_extension;\` lists vchord and not vectors (an install adopted from elsewhere may still be on pgvecto.rs; let a v2.x server migrate it first).
        3. Remove env vars v3 no longer reads from env files kept beside the rendered ones (IMMICH_MACHINE_LEARNING_ENABLED, IMMICH_MACHINE_LEARNING_PING_TIMEOUT, MACHINE_LEARNING_PRELOAD__CLIP, MACHINE_LEARNING_PRELOAD__FACIAL_RECOGNITION).
        4. Render, then apply the rendered folder (Compose: \`docker compose pull && docker compose up -d\`; Kubernetes: \`kubectl apply -k\`).
        5. Watch the server's log through its first start: migrations can take minutes, and a config value the new release refuses stops it with "Invalid value(s) in file".
        6. Update the mobile apps to v3.x (the apps warn when they are a major version behind the server).
        7. If something scrapes the server's metrics, rename the metrics in its dashboards and alerts (underscores became dots).

      Defaults that change (2; old → new, from each line's default table):
        ffmpeg.acceptedAudioCodecs  ["aac","mp3","libopus"] → ["aac","mp3","opus"]; spec: not set → the new default ["aac","mp3","opus"] applies: v3.x refuses the old value
        ffmpeg.accelDecode          false → true; spec: not set → the new default true applies (--accept-new-defaults)

      Rendered files that change: 16 of 19:
        changed  kubernetes/README.md
        changed  kubernetes/database.yaml
        changed  kubernetes/ingress.yaml
        changed  kubernetes/library-family.yaml
        changed  kubernetes/library-travel.yaml
        changed  kubernetes/machine-learning.yaml
        changed  kubernetes/namespace.yaml
        changed  kubernetes/network-policies.yaml
        changed  kubernetes/redis.yaml
        changed  kubernetes/server.yaml
        changed  kubernetes/upload.yaml
        changed  kubernetes/worker.yaml
        changed  compose/README.md
        changed  compose/compose.yaml
        changed  compose/immich-config.yaml.tmpl
        changed  compose/worker-spec.yaml

      --- a/family.yaml	v2.7.5
      +++ b/family.yaml	v3.1.0
      @@ -5,9 +5,9 @@
       metadata:
         name: rincewind
       
       immich:
      -  version: v2.7.5
      +  version: v3.1.0
         timezone: Europe/Berlin
       
       hosts:
         web: photos.rincewind.family

      wrote family.yaml: immich.version v2.7.5 → v3.1.0. next: immich-family render, then follow the manual steps above"
    `);

    // The diff of every rendered file that changes, per target: image tags and the config header.
    expect(out).toContain("--- a/compose/compose.yaml\tv2.7.5\n+++ b/compose/compose.yaml\tv3.1.0");
    expect(out).toContain("-    image: ghcr.io/immich-app/immich-server:v2.7.5\n+    image: ghcr.io/immich-app/immich-server:v3.1.0");
    expect(out).toContain("--- a/kubernetes/server.yaml\tv2.7.5");
    expect(out).toMatch(/-\s+image: ghcr\.io\/immich-app\/immich-server:v2\.7\.5\n\+\s+image: ghcr\.io\/immich-app\/immich-server:v3\.1\.0/);
    expect(out).toContain("+# Immich server config (IMMICH_CONFIG_FILE) for rincewind, Immich v3.1.0, target compose.");

    // Byte for byte the same file but for the version's characters; comments kept.
    expect(readFileSync(file, "utf8")).toBe(text.replace(/^( {2}version: )v2\.7\.5$/m, "$1v3.1.0"));
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
    expect(seen(await runCommand(main, cwd, ["family.yaml"], { to: "v4.0.0" }))).toMatchInlineSnapshot(`
      "exit 2
      --- stderr
      error: refusing to upgrade family.yaml from v3.1.0 to v4.0.0: v4.0.0 is in a release line this tool does not know (it knows v2.x and v3.x): its breaking changes are unknown and the renderers do not know its config
      next: immich-family upgrade family.yaml --to v3.1.0"
    `);
    // A spec pinned below the v2 line is not one the tool renders: validation refuses it and names the
    // supported range (the required stops of v1 are the release table's, tested in upgrade-plan.test.ts).
    const old = family("v1.120.0");
    expect(seen(await runCommand(main, old.cwd, ["family.yaml"], { to: "v3.1.0" }))).toMatchInlineSnapshot(`
      "exit 2
      --- stderr
      error: family.yaml is not a valid spec; run \`immich-family validate\` after fixing it (1 error)
      family.yaml:9:12: immich.version: expected an Immich release on a supported line, >=v2.0.0 <v4.0.0 (the v2 and v3 lines), got "v1.120.0" [unsupported-version]
        8 | immich:
      > 9 |   version: v1.120.0
          |            ^^^^^^^^"
    `);
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
    expect(paragraph(out, "Defaults that change")).toMatchInlineSnapshot(`
      "Defaults that change (2; old → new, from each line's default table):
        ffmpeg.acceptedAudioCodecs  ["aac","mp3","libopus"] → ["aac","mp3","opus"]; spec: not set → the new default ["aac","mp3","opus"] applies: v3.x refuses the old value
        ffmpeg.accelDecode          false → true; spec: not set → pinned to the old false in immich.config (--accept-new-defaults takes the new one)"
    `);
    // The rendered config keeps hardware decoding off, as on v2.
    expect(out).toMatch(/\+ {2}accelDecode: false\n/);
    expect(io.out.at(-1)).toMatchInlineSnapshot(
      `"wrote family.yaml: immich.version v2.7.5 → v3.1.0; kept the old defaults in immich.config: ffmpeg.accelDecode: false. next: immich-family render, then follow the manual steps above"`,
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
    expect(paragraph(io2.out.join("\n"), "Defaults that change")).toMatchInlineSnapshot(`
      "Defaults that change (2; old → new, from each line's default table):
        ffmpeg.acceptedAudioCodecs  ["aac","mp3","libopus"] → ["aac","mp3","opus"]; spec: not set → the new default ["aac","mp3","opus"] applies: v3.x refuses the old value
        ffmpeg.accelDecode          false → true; spec sets true: unchanged"
    `);
    expect(io2.out.at(-1)).toMatchInlineSnapshot(
      `"wrote family.yaml: immich.version v2.7.5 → v3.1.0. next: immich-family render, then follow the manual steps above"`,
    );
    expect(readFileSync(own.file, "utf8")).toContain("  config: { ffmpeg: { accelDecode: true } }\n");
  });

  it("the built CLI: exit 0 and the rewrite with --yes; exit 2 and the reason on stderr when refused", () => {
    const { cwd, file } = family();
    const ok = runCli(["upgrade", "family.yaml", "--to", "v3.1.0", "--yes"], cwd);
    expect(ok.stderr).toBe("");
    expect(ok.status).toBe(0);
    expect(readFileSync(file, "utf8")).toMatch(/^ {2}version: v3\.1\.0$/m);
    const refused = runCli(["upgrade", "family.yaml", "--to", "v2.7.5"], cwd);
    expect(seen(refused)).toMatchInlineSnapshot(`
      "exit 2
      --- stderr
      error: refusing to upgrade family.yaml from v3.1.0 to v2.7.5: v2.7.5 is older than v3.1.0: Immich migrates its database forward at start and cannot run on a database a newer release migrated. To go back, restore the database backup taken before the upgrade, then pin v2.7.5 by hand"
    `);
  });
});
