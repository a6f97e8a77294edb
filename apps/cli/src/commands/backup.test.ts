import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import {
  age,
  assetTree,
  dbBackupFiles,
  drillDocker,
  exampleText,
  fakeSmtp,
  recordingIo,
  fixtureDump,
  minimalInput,
  runCli,
  runCommand,
  type ScratchPostgres,
  standIns,
  specText,
  startScratchPostgres,
  tool,
} from "../../test/helpers.js";
import { main } from "./backup.js";

const PASSPHRASE = "correct horse battery staple";
let pg: ScratchPostgres;
let root: string;

beforeAll(async () => {
  pg = await startScratchPostgres();
  root = mkdtempSync(join(tmpdir(), "cli-backup-"));
}, 60_000);
afterAll(async () => {
  await pg?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** The family the fixture dumps hold, as a spec: three members, the `family` library at /srv/photos. */
function familySpec(version: "v2.7.5" | "v3.1.0", compose: Record<string, unknown> = {}, superuser = true): string {
  const input = minimalInput(
    { family: { owner: "admin", path: "/srv/photos" } },
    {
      immich: { version },
      members: {
        admin: { name: "Admin", email: "admin@example.com", admin: true },
        user2: { name: "User Two", email: "user2@example.com" },
        user3: { name: "User Three", email: "user3@example.com" },
      },
      database: { superuser },
    },
  );
  const targets = input.targets as { compose: Record<string, unknown> };
  Object.assign(targets.compose, {
    paths: { media: "./media", backups: "./backups/db-backup" },
    libraries: { family: { hostPath: "./photos" } },
    ...compose,
  });
  return specText(input);
}

let n = 0;
/** A Compose install folder: the spec, the media and library trees the dump points at, and a db-backup folder. */
function install(version: "v2.7.5" | "v3.1.0", o: { superuser?: boolean; compose?: Record<string, unknown>; files?: boolean } = {}): string {
  const dir = join(root, `install-${++n}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "immich-family.yaml"), familySpec(version, o.compose, o.superuser ?? false));
  if (o.files !== false) assetTree(version, join(dir, "media"), join(dir, "photos"));
  return dir;
}

const env = () => ({ PATH: process.env.PATH, DB_ENC_PASSPHRASE: PASSPHRASE });
const verify = (dir: string, flags: Record<string, unknown> = {}, e: NodeJS.ProcessEnv = env()) =>
  runCommand(main, dir, ["verify", "immich-family.yaml"], { out: ".", scratchUrl: pg.url, ...flags }, e).then((r) => ({
    ...r,
    // gpg's output is a byte longer or shorter from one encryption to the next.
    out: r.out
      .replaceAll(`127.0.0.1:${pg.port}`, "127.0.0.1:<port>")
      .replaceAll(root, "<root>")
      .replace(/(\.gpg\b.*)\([0-9]+ bytes\)/g, "$1(<size> bytes)"),
  }));

const V3_ZST = /^pgsql_immich_.*\.sql\.zst$/;
const DB_BACKUP = "backups/db-backup";

describe("backup verify (Compose, real PostgreSQL)", () => {
  it("restores the newest db-backup dump (zstd, gpg, sha1) and Immich's own backup, and checks both", async () => {
    const dir = install("v3.1.0", { superuser: true });
    const folder = join(dir, DB_BACKUP);
    age(dbBackupFiles(fixtureDump("v3.1.0", V3_ZST), folder, "pgsql_immich_immich-db_20261205-033000.sql.zst.gpg", PASSPHRASE), 26);
    const newest = dbBackupFiles(fixtureDump("v3.1.0", V3_ZST), folder, "pgsql_immich_immich-db_20261206-033000.sql.zst.gpg", PASSPHRASE);
    age(newest, 2);
    const own = join(dir, "media/backups");
    mkdirSync(own, { recursive: true });
    copyFileSync(fixtureDump("v3.1.0", /^immich-db-backup-/), join(own, "immich-db-backup-20261206T020000-v3.1.0-pg15.20.sql.gz"));
    age(join(own, "immich-db-backup-20261206T020000-v3.1.0-pg15.20.sql.gz"), 3);

    const r = await verify(dir);
    expect(r.err).toBe("");
    expect(r.out).toMatchInlineSnapshot(`
      "db-backup: ./backups/db-backup
      CHECK      STATUS  DETAIL
      backup     PASS    pgsql_immich_immich-db_20261206-033000.sql.zst.gpg, the newest of 2 in ./backups/db-backup (<size> bytes)
      age        PASS    taken 2 h ago (the schedule allows 30h)
      checksum   PASS    SHA1 matches pgsql_immich_immich-db_20261206-033000.sql.zst.gpg.sha1
      format     PASS    GPG-encrypted, zstd, plain SQL (pg_dump)
      restore    PASS    restored into a scratch database on postgres://postgres@127.0.0.1:<port>/postgres; left out face_search, smart_search: the scratch server has no vector extension
      schema     PASS    Immich 3.1.0, 88 migrations, latest 1784836013770-MinFacePreferenceMigration
      records    PASS    3 users, 1 library, 7 albums, 153 assets (not compared with the live database: set LIVE_DATABASE_URL to compare)
      members    PASS    3 of 3 members found by email
      libraries  PASS    1 of 1 libraries found by name
      files      PASS    20 of 20 sampled asset files exist

      immich: ./media/backups
      CHECK      STATUS  DETAIL
      backup     PASS    immich-db-backup-20261206T020000-v3.1.0-pg15.20.sql.gz (83722 bytes)
      age        PASS    taken 3 h ago (the schedule allows 30h)
      checksum   SKIP    no checksum file beside it (Immich writes none)
      format     PASS    gzip, plain SQL (pg_dump)
      restore    PASS    restored into a scratch database on postgres://postgres@127.0.0.1:<port>/postgres; left out face_search, smart_search: the scratch server has no vector extension
      schema     PASS    Immich 3.1.0, 88 migrations, latest 1784836013770-MinFacePreferenceMigration
      records    PASS    3 users, 1 library, 7 albums, 153 assets (not compared with the live database: set LIVE_DATABASE_URL to compare)
      members    PASS    3 of 3 members found by email
      libraries  PASS    1 of 1 libraries found by name
      files      PASS    20 of 20 sampled asset files exist

      Summary: PASS, 19 passed, 0 failed, 0 warnings, 1 skipped"
    `);
    expect(r.code).toBe(0);
  }, 60_000);

  it("restores a v2.7.5 custom-format archive and a v3.1.0 pg_dumpall named with --file (no age or checksum to check)", async () => {
    const v2 = install("v2.7.5");
    const custom = await verify(v2, { file: fixtureDump("v2.7.5", /\.pg_dump-Fc\.dump$/) });
    expect(custom.out.replace(/^given: .*$/m, "given: <file>")).toMatchInlineSnapshot(`
      "given: <file>
      CHECK      STATUS  DETAIL
      backup     PASS    immich_20261206-075547.pg_dump-Fc.dump (249206 bytes)
      checksum   SKIP    no checksum file beside it (Immich writes none)
      format     PASS    a custom-format archive (pg_dump -Fc)
      restore    PASS    restored into a scratch database on postgres://postgres@127.0.0.1:<port>/postgres; left out face_search, smart_search: the scratch server has no vector extension
      schema     PASS    Immich 2.7.5, 68 migrations, latest 1775165531374-AddPersonNameTrigramIndex
      records    PASS    3 users, 1 library, 7 albums, 153 assets (not compared with the live database: set LIVE_DATABASE_URL to compare)
      members    PASS    3 of 3 members found by email
      libraries  PASS    1 of 1 libraries found by name
      files      PASS    20 of 20 sampled asset files exist

      Summary: PASS, 8 passed, 0 failed, 0 warnings, 1 skipped"
    `);
    expect(custom.code).toBe(0);

    const v3 = install("v3.1.0");
    const all = await verify(v3, { file: fixtureDump("v3.1.0", /^pg_dumpall-/), output: "json" });
    const report = JSON.parse(all.out);
    expect(report.ok).toBe(true);
    expect(report.backups[0].checks.map((c: { check: string; status: string }) => `${c.check} ${c.status}`)).toEqual([
      "backup pass",
      "checksum skip",
      "format pass",
      "restore pass",
      "schema pass",
      "records pass",
      "members pass",
      "libraries pass",
      "files pass",
    ]);
    expect(report.backups[0].checks[2].detail).toBe("gzip, a cluster dump (pg_dumpall)");
    expect(all.code).toBe(0);
  }, 60_000);

  it("reads the passphrase from the secrets env file beside compose.yaml, and leaves no scratch database behind", async () => {
    const dir = install("v3.1.0");
    writeFileSync(join(dir, ".env"), `# secrets\nDB_ENC_PASSPHRASE="${PASSPHRASE}"\n`);
    age(dbBackupFiles(fixtureDump("v3.1.0", V3_ZST), join(dir, DB_BACKUP), "pgsql_immich_immich-db_20261206-033000.sql.zst.gpg", PASSPHRASE), 1);
    const r = await verify(dir, {}, { PATH: process.env.PATH });
    expect(r.out).toContain("format     PASS    GPG-encrypted, zstd, plain SQL (pg_dump)");
    expect(r.code).toBe(0);
    const dbs = tool(join(pg.binDir, "psql"), ["-X", "-A", "-t", "-d", pg.url, "-c", "SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database"]);
    expect(dbs.toString().trim()).toBe("postgres,template0,template1");
  }, 60_000);
});

/** The lines of a report that failed, each with its fix. */
const failures = (out: string) =>
  out
    .split("\n")
    .filter((l, i, all) => / FAIL /.test(l) || (/^ +fix: /.test(l) && / FAIL /.test(all[i - 1] ?? "")) || l.startsWith("Summary:"))
    .join("\n");

describe("backup verify catches bad backups with a FAIL naming the file and the fix", () => {
  const name = "pgsql_immich_immich-db_20261206-033000.sql.zst.gpg";
  const bad = async (prepare: (folder: string, dir: string) => void, e: NodeJS.ProcessEnv = env(), files = false) => {
    const dir = install("v3.1.0", { files });
    prepare(join(dir, DB_BACKUP), dir);
    const r = await verify(dir, {}, e);
    expect(r.err).toBe("");
    expect(r.code).toBe(1);
    return failures(r.out);
  };

  it("an empty file", async () => {
    const out = await bad((folder) => {
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, name), "");
      writeFileSync(join(folder, `${name}.sha1`), tool("sha1sum", [name], { cwd: folder }));
      age(join(folder, name), 1);
    });
    expect(out).toMatchInlineSnapshot(`
      "format    FAIL    pgsql_immich_immich-db_20261206-033000.sql.zst.gpg: the file is empty
                        fix: the backup job wrote nothing: read its log (docker compose logs) and take a new backup
      Summary: FAIL, 3 passed, 1 failed, 0 warnings, 0 skipped"
    `);
  });

  it("a truncated dump: cut inside the zstd stream, and cut before pg_dump's last line", async () => {
    const cut = await bad((folder) => {
      const file = dbBackupFiles(fixtureDump("v3.1.0", V3_ZST), folder, "pgsql_immich_immich-db_20261206-033000.sql.zst", undefined);
      truncateSync(file, 30_000);
      writeFileSync(`${file}.sha1`, tool("sha1sum", ["pgsql_immich_immich-db_20261206-033000.sql.zst"], { cwd: folder }));
      age(file, 1);
    });
    expect(cut).toMatchInlineSnapshot(`
      "format    FAIL    pgsql_immich_immich-db_20261206-033000.sql.zst: zstd cannot decompress it: Read error (39) : premature end
                        fix: the file is truncated or damaged: take a new backup, and check the disk it is on
      Summary: FAIL, 3 passed, 1 failed, 0 warnings, 0 skipped"
    `);
    const short = await bad((folder) => {
      const sql = tool("zstd", ["-d", "-c", fixtureDump("v3.1.0", V3_ZST)]);
      const shortZst = join(folder, "..", "short.sql.zst");
      mkdirSync(folder, { recursive: true });
      writeFileSync(shortZst, tool("zstd", ["-q", "-3", "-c"], { input: sql.subarray(0, Math.floor(sql.length * 0.6)) }));
      const file = dbBackupFiles(shortZst, folder, "pgsql_immich_immich-db_20261206-033000.sql.zst", undefined);
      age(file, 1);
    });
    expect(short).toMatchInlineSnapshot(`
      "restore   FAIL    pgsql_immich_immich-db_20261206-033000.sql.zst is cut off: it lacks pg_dump's closing "dump complete" line
                        fix: the backup was interrupted or the disk filled up: free space, take a new backup and read its log
      Summary: FAIL, 4 passed, 1 failed, 0 warnings, 0 skipped"
    `);
  });

  it("a wrong passphrase, and none at all", async () => {
    const make = (folder: string) => age(dbBackupFiles(fixtureDump("v3.1.0", V3_ZST), folder, name, PASSPHRASE), 1);
    const wrong = await bad(make, { PATH: process.env.PATH, DB_ENC_PASSPHRASE: "not the passphrase" });
    expect(wrong).not.toContain("not the passphrase");
    expect(wrong).toMatchInlineSnapshot(`
      "format    FAIL    pgsql_immich_immich-db_20261206-033000.sql.zst.gpg: wrong passphrase: gpg says "decryption failed: Bad session key"
                        fix: set DB_ENC_PASSPHRASE to the passphrase the backups were made with (the db-backup container's DB01_ENCRYPT_PASSPHRASE)
      Summary: FAIL, 3 passed, 1 failed, 0 warnings, 0 skipped"
    `);
    expect(await bad(make, { PATH: process.env.PATH })).toMatchInlineSnapshot(`
      "format    FAIL    pgsql_immich_immich-db_20261206-033000.sql.zst.gpg: the backup is GPG-encrypted and no passphrase was given
                        fix: set DB_ENC_PASSPHRASE (in the environment or the secrets env file) to the backups' passphrase
      Summary: FAIL, 3 passed, 1 failed, 0 warnings, 0 skipped"
    `);
  }, 60_000);

  it("a checksum mismatch", async () => {
    const out = await bad((folder) => {
      const file = dbBackupFiles(fixtureDump("v3.1.0", V3_ZST), folder, name, PASSPHRASE);
      const bytes = readFileSync(file);
      bytes[1000] = (bytes[1000] ?? 0) ^ 0xff;
      writeFileSync(file, bytes);
      age(file, 1);
    });
    expect(out.replace(/\b[0-9a-f]{40}\b/g, "<sha1>")).toMatchInlineSnapshot(`
      "checksum  FAIL    SHA1 of pgsql_immich_immich-db_20261206-033000.sql.zst.gpg is <sha1>, pgsql_immich_immich-db_20261206-033000.sql.zst.gpg.sha1 says <sha1>
                        fix: the file changed after it was written (a damaged disk or a partial copy): take a new backup and check the disk
      Summary: FAIL, 2 passed, 1 failed, 0 warnings, 0 skipped"
    `);
  });

  it("a dump of another database, by its name and by its content", async () => {
    const byName = await bad((folder) =>
      age(dbBackupFiles(fixtureDump("v3.1.0", V3_ZST), folder, "pgsql_nextcloud_immich-db_20261206-033000.sql.zst.gpg", PASSPHRASE), 1),
    );
    expect(byName).toMatchInlineSnapshot(`
      "database  FAIL    pgsql_nextcloud_immich-db_20261206-033000.sql.zst.gpg is a dump of another database, not immich
                        fix: set the backup's DB01_NAME to immich (render again) and take a new backup
      Summary: FAIL, 1 passed, 1 failed, 0 warnings, 0 skipped"
    `);
    const psql = join(pg.binDir, "psql");
    tool(psql, ["-X", "-q", "-d", pg.url, "-c", "DROP DATABASE IF EXISTS nextcloud", "-c", "CREATE DATABASE nextcloud"]);
    tool(psql, [
      "-X",
      "-q",
      "-d",
      pg.url.replace(/\/postgres$/, "/nextcloud"),
      "-c",
      "CREATE TABLE oc_users (uid text PRIMARY KEY); INSERT INTO oc_users VALUES ('ann')",
    ]);
    const dump = tool(join(pg.binDir, "pg_dump"), ["-d", pg.url.replace(/\/postgres$/, "/nextcloud")]);
    const byContent = await bad((folder, dir) => {
      const zst = join(dir, "nextcloud.sql.zst");
      writeFileSync(zst, tool("zstd", ["-q", "-3", "-c"], { input: dump }));
      age(dbBackupFiles(zst, folder, name, PASSPHRASE), 1);
    });
    expect(byContent).toMatchInlineSnapshot(`
      "schema    FAIL    not an Immich database: no kysely_migrations, version_history, user, library, album, asset, system_metadata tables
                        fix: this is a dump of another database: point the backup at Immich's database (immich) and take a new one
      Summary: FAIL, 5 passed, 1 failed, 0 warnings, 0 skipped"
    `);
  }, 60_000);

  it("a dump older than the schedule allows", async () => {
    const out = await bad((folder) => age(dbBackupFiles(fixtureDump("v3.1.0", V3_ZST), folder, name, PASSPHRASE), 72), env(), true);
    expect(out).toMatchInlineSnapshot(`
      "age        FAIL    taken 3 d ago; the schedule allows 30h
                         fix: the nightly backup has stopped: check its cron line and \`docker compose logs\` of the backup service
      Summary: FAIL, 9 passed, 1 failed, 0 warnings, 0 skipped"
    `);
  }, 60_000);

  it("records that point at files no longer on disk", async () => {
    const out = await bad(
      (folder, dir) => {
        age(dbBackupFiles(fixtureDump("v3.1.0", V3_ZST), folder, name, PASSPHRASE), 1);
        rmSync(join(dir, "photos", "2024"), { recursive: true });
      },
      env(),
      true,
    );
    expect(out).toMatchInlineSnapshot(`
      "files      FAIL    13 of 20 sampled asset files missing, e.g. <root>/install-14/photos/2024/Trip (Berlin)/IMG_6840.jpg
                         fix: the database points at files that are not there: check that the media and library folders are mounted and complete, or that the backup belongs to this install
      Summary: FAIL, 9 passed, 1 failed, 0 warnings, 0 skipped"
    `);
  }, 60_000);

  it("a missing backup folder", async () => {
    const out = await bad(() => undefined);
    expect(out).toMatchInlineSnapshot(`
      "backup  FAIL    ./backups/db-backup does not exist
                      fix: check targets.compose.paths.backups and --out (the folder compose.yaml is in), then take a backup: docker compose run --rm --no-deps immich-db-backup
      Summary: FAIL, 0 passed, 1 failed, 0 warnings, 0 skipped"
    `);
  });
});

describe("backup verify stopped half-way", () => {
  it("drops its scratch database and removes its temporary folder (exit 1, no stack trace)", async () => {
    const dir = install("v3.1.0", { files: false });
    age(dbBackupFiles(fixtureDump("v3.1.0", V3_ZST), join(dir, DB_BACKUP), "pgsql_immich_immich-db_20261206-033000.sql.zst.gpg", PASSPHRASE), 1);
    const stop = new AbortController();
    const tmp = mkdtempSync(join(tmpdir(), "cli-backup-tmp-"));
    const run = main({ cwd: dir, io: recordingIo(), env: { ...env(), TMPDIR: tmp }, signal: stop.signal }, ["verify", "immich-family.yaml"], {
      out: ".",
      scratchUrl: pg.url,
    });
    // Stop once the restore has begun: the drill's database exists.
    const psql = join(pg.binDir, "psql");
    const drillDatabases = () =>
      tool(psql, ["-X", "-A", "-t", "-d", pg.url, "-c", "SELECT count(*) FROM pg_database WHERE datname LIKE 'immich_drill_%'"]).toString().trim();
    for (let i = 0; i < 400 && drillDatabases() === "0"; i++) await new Promise((ok) => setTimeout(ok, 25));
    stop.abort(new Error("SIGINT"));
    await expect(run).rejects.toMatchObject({
      name: "CliError",
      exitCode: 1,
      message: "Stopped before the drill finished; its scratch database and temporary folder are removed.",
    });
    expect(drillDatabases()).toBe("0");
    expect(readdirSync(tmp)).toEqual([]);
    rmSync(tmp, { recursive: true, force: true });
  }, 60_000);
});

describe("backup verify --status-file", () => {
  it("keeps the last drill's result and time (JSON, or Prometheus text for .prom), and never overwrites another file", async () => {
    const dir = install("v3.1.0");
    age(dbBackupFiles(fixtureDump("v3.1.0", V3_ZST), join(dir, DB_BACKUP), "pgsql_immich_immich-db_20261206-033000.sql.zst.gpg", PASSPHRASE), 1);
    const before = Date.now();
    expect((await verify(dir, { statusFile: "drill-status.json" })).code).toBe(0);
    const status = JSON.parse(readFileSync(join(dir, "drill-status.json"), "utf8"));
    expect(status).toMatchObject({ ok: true, backups: [{ source: "db-backup", file: "pgsql_immich_immich-db_20261206-033000.sql.zst.gpg" }] });
    expect(Date.parse(status.finishedAt)).toBeGreaterThanOrEqual(before);

    expect((await verify(dir, { statusFile: "drill.prom" }, { PATH: process.env.PATH, DB_ENC_PASSPHRASE: "wrong" })).code).toBe(1);
    const prom = readFileSync(join(dir, "drill.prom"), "utf8");
    expect(prom).toContain("\nimmich_family_backup_drill_success 0\n");
    expect(prom).toContain("\nimmich_family_backup_drill_failed_checks 1\n");

    const spec = readFileSync(join(dir, "immich-family.yaml"), "utf8");
    const refused = await verify(dir, { statusFile: "immich-family.yaml" });
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(
      /^error: --status-file .*immich-family\.yaml exists and is not a status file a drill wrote; name a new file \(nothing was overwritten\)$/,
    );
    expect(readFileSync(join(dir, "immich-family.yaml"), "utf8")).toBe(spec);
  }, 60_000);
});

describe("backup check (the checks alone, as a Kubernetes drill Job runs them)", () => {
  it("checks a database restored elsewhere, named by DRILL_DATABASE_URL", async () => {
    const dir = install("v3.1.0");
    const psql = join(pg.binDir, "psql");
    tool(psql, ["-X", "-q", "-d", pg.url, "-c", "DROP DATABASE IF EXISTS restored", "-c", "CREATE DATABASE restored"]);
    // A restore as the fixtures' README does it; the two vector tables fail on a server without pgvector.
    spawnSync(psql, ["-X", "-q", "-d", pg.url.replace(/\/postgres$/, "/restored")], { input: tool("zstd", ["-d", "-c", fixtureDump("v3.1.0", V3_ZST)]) });
    const r = await runCommand(
      main,
      dir,
      ["check", "immich-family.yaml"],
      { media: "media" },
      { PATH: process.env.PATH, DRILL_DATABASE_URL: pg.url.replace(/\/postgres$/, "/restored") },
    );
    expect(r.out.replaceAll(String(pg.port), "<port>")).toMatchInlineSnapshot(`
      "database: postgres://postgres@127.0.0.1:<port>/restored
      CHECK      STATUS  DETAIL
      schema     PASS    Immich 3.1.0, 88 migrations, latest 1784836013770-MinFacePreferenceMigration
      records    PASS    3 users, 1 library, 7 albums, 153 assets (not compared with the live database: set LIVE_DATABASE_URL to compare)
      members    PASS    3 of 3 members found by email
      libraries  PASS    1 of 1 libraries found by name
      files      FAIL    20 of 20 sampled asset files missing, e.g. /srv/photos/2024/Trip (Berlin)/IMG_6840.jpg
                         fix: the database points at files that are not there: check that the media and library folders are mounted and complete, or that the backup belongs to this install

      Summary: FAIL, 4 passed, 1 failed, 0 warnings, 0 skipped"
    `);
    // The library is not mounted at /srv/photos on this machine, as it would be in the Job.
    expect(r.code).toBe(1);
  }, 60_000);

  it("needs the database's URL, from the environment rather than a flag (exit 2)", async () => {
    const dir = install("v3.1.0", { files: false });
    const r = await runCommand(main, dir, ["check", "immich-family.yaml"], {}, { PATH: process.env.PATH });
    expect(r).toEqual({ code: 2, out: "", err: "error: backup check needs the restored database: set DRILL_DATABASE_URL (or pass --database-url)" });
  });
});

describe("backup verify --target kubernetes", () => {
  it("hands over to the Kubernetes drill, which without --apply renders it into --out", async () => {
    const dir = join(root, "k8s");
    mkdirSync(dir, { recursive: true });
    // A plugin drill renders without a cluster (a snapshot drill asks kubectl for the newest Backup).
    const doc = parseDocument(exampleText("family"));
    doc.setIn(["targets", "kubernetes", "database", "backup"], {
      schedule: "0 0 2 * * *",
      method: "plugin",
      pluginName: "barman-cloud.cloudnative-pg.io",
      pluginParameters: { barmanObjectName: "nas-minio" },
    });
    writeFileSync(join(dir, "immich-family.yaml"), doc.toString());
    const r = await runCommand(main, dir, ["verify", "immich-family.yaml"], { target: "kubernetes", out: "drill" }, { PATH: standIns().dir });
    expect(r.err).toBe("");
    expect(readdirSync(join(dir, "drill")).sort()).toEqual([".immich-family-render.json", "check.yaml", "cluster.yaml", "kustomization.yaml"]);
    expect(r.code).toBe(0);
  });
});

describe("the built CLI", () => {
  it("registers backup verify and check, and refuses bad input with exit 2 and no stack trace", () => {
    const dir = install("v3.1.0", { files: false });
    const bad = [
      [["backup", "verify", "missing.yaml"], /^error: No spec at missing\.yaml\./],
      [["backup", "frobnicate"], /^error: backup takes verify or check, got frobnicate\./],
      [["backup", "verify", "immich-family.yaml", "--scratch-url", "mysql://x"], /^error: --scratch-url: expected postgres:\/\/…, got mysql:\/\/…/],
      [["backup", "verify", "immich-family.yaml", "--sample", "0", "--scratch-url", pg.url], /^error: --sample must be a whole number from 1, got 0/],
      [["backup", "verify", "immich-family.yaml", "--target", "banana"], /^error: --target must be compose or kubernetes, got banana/],
    ] as const;
    for (const [args, message] of bad) {
      const r = runCli(args, dir);
      expect(r.stderr, args.join(" ")).toMatch(message);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(r.status, args.join(" ")).toBe(2);
    }
    const help = runCli(["backup", "--help"], dir);
    expect(help.stdout).toContain("--scratch-url <url>");
    expect(help.stdout).toContain("DRILL_DATABASE_URL=postgres://… immich-family backup check");
  });

  it("verifies a backup end to end and exits 1 on a failed check, printing the FAIL line", () => {
    const dir = install("v3.1.0", { files: false });
    writeFileSync(join(dir, "empty.sql.gz"), "");
    const r = runCli(["backup", "verify", "immich-family.yaml", "--out", ".", "--file", "empty.sql.gz", "--scratch-url", pg.url], dir);
    expect(r.stdout).toContain("format    FAIL    empty.sql.gz: the file is empty");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(1);
  });
});

describe("backup verify through the Compose file's drill service", () => {
  it("starts the service, restores and checks through docker compose exec, compares with the live database, and removes the service", async () => {
    // A secrets env file of another name: every docker compose call names it, for Compose's interpolation.
    const dir = install("v3.1.0", { compose: { envFile: "secrets.env" } });
    age(dbBackupFiles(fixtureDump("v3.1.0", V3_ZST), join(dir, DB_BACKUP), "pgsql_immich_immich-db_20261206-033000.sql.zst.gpg", PASSPHRASE), 1);
    const psql = join(pg.binDir, "psql");
    tool(psql, ["-X", "-q", "-d", pg.url, "-c", "DROP DATABASE IF EXISTS live", "-c", "CREATE DATABASE live"]);
    spawnSync(psql, ["-X", "-q", "-d", pg.url.replace(/\/postgres$/, "/live")], { input: tool("zstd", ["-d", "-c", fixtureDump("v3.1.0", V3_ZST)]) });
    const docker = standIns();
    drillDocker(docker.dir, pg, "live");
    const path = `${docker.dir}:${process.env.PATH}`;
    const run = () =>
      runCommand(main, dir, ["verify", "immich-family.yaml"], { out: "." }, { PATH: path, DB_ENC_PASSPHRASE: PASSPHRASE }).then((r) => ({
        ...r,
        out: r.out.replaceAll(root, "<root>"),
      }));

    const same = await run();
    expect(same.out.split("\n").filter((l) => /^(restore|records) /.test(l))).toEqual([
      "restore    PASS    restored into a scratch database on the immich-backup-drill service; left out face_search, smart_search: the scratch server has no vector extension",
      "records    PASS    3 users, 1 library, 7 albums, 153 assets; live: 3, 1, 7, 153 (within the tolerance)",
    ]);
    expect(same.code).toBe(0);
    const calls = docker.calls().map((c) => c.replaceAll(dir, "<dir>"));
    expect(calls[0]).toBe(
      "docker compose --project-directory <dir> --env-file <dir>/secrets.env --profile drill up --detach --wait --no-deps immich-backup-drill",
    );
    expect(calls.at(-1)).toBe(
      "docker compose --project-directory <dir> --env-file <dir>/secrets.env --profile drill rm --stop --force --volumes immich-backup-drill",
    );
    expect(calls.every((c) => c.startsWith("docker compose --project-directory <dir> --env-file <dir>/secrets.env ") || !c.startsWith("docker"))).toBe(true);
    // The live database is only ever read: its newest migration and its counts.
    expect(calls.filter((c) => c.includes(" exec -T immich-db ")).map((c) => c.replace(/^.* -c /, ""))).toEqual([
      "SELECT to_json(max(name)) FROM kysely_migrations",
      "SELECT json_build_object(", // the counts (the stand-in logs one line of the query)
    ]);
    expect(same.out).toContain("schema     PASS    Immich 3.1.0, 88 migrations, latest 1784836013770-MinFacePreferenceMigration, as the live database");

    // Photos kept arriving after the backup: far more than the tolerance is a backup that fell behind.
    tool(psql, [
      "-X",
      "-q",
      "-d",
      pg.url.replace(/\/postgres$/, "/live"),
      "-c",
      `CREATE TEMP TABLE copy AS SELECT * FROM asset;
       UPDATE copy SET id = gen_random_uuid(), "originalPath" = "originalPath" || '-copy', checksum = decode(md5(random()::text), 'hex');
       INSERT INTO asset SELECT * FROM copy;`,
    ]);
    const behind = await run();
    expect(behind.out.split("\n").filter((l) => /^records |fix: the backup is far/.test(l.trim()))).toEqual([
      "records    FAIL    3 users, 1 library, 7 albums, 153 assets; the live database has 306 assets",
      "                   fix: the backup is far behind the live database: check that the nightly backup runs and backs up the database Immich uses",
    ]);
    expect(behind.code).toBe(1);
  }, 90_000);
});

describe("backup verify --notify", () => {
  it("mails a failed drill through the backup's mail settings, and nothing when it passes", async () => {
    const smtp = await fakeSmtp();
    try {
      const dir = install("v3.1.0", {
        compose: {
          backup: {
            notify: {
              email: { from: "backup@example.org", to: ["sam@example.org", "kim@example.org"], smtp: { host: "127.0.0.1", port: smtp.port, security: "none" } },
            },
          },
        },
      });
      age(dbBackupFiles(fixtureDump("v3.1.0", V3_ZST), join(dir, DB_BACKUP), "pgsql_immich_immich-db_20261206-033000.sql.zst.gpg", PASSPHRASE), 1);
      const passed = await verify(dir, { notify: true });
      expect(passed.code).toBe(0);
      expect(passed.err).toBe("");
      expect(smtp.messages).toEqual([]);

      const failed = await verify(dir, { notify: true }, { PATH: process.env.PATH, DB_ENC_PASSPHRASE: "wrong" });
      expect(failed.code).toBe(1);
      expect(failed.err).toBe("mailed the failure to sam@example.org, kim@example.org");
      expect(smtp.messages).toHaveLength(1);
      const [mail] = smtp.messages;
      expect(mail?.from).toBe("backup@example.org");
      expect(mail?.to).toEqual(["sam@example.org", "kim@example.org"]);
      expect(mail?.data).toMatch(/^Subject: \[test\] Immich backup restore drill FAILED$/m);
      // Quoted-printable: long lines are folded with a trailing "=".
      expect(mail?.data.replace(/=\r\n/g, "")).toContain("format    FAIL    pgsql_immich_immich-db_20261206-033000.sql.zst.gpg: wrong passphrase");
    } finally {
      await smtp.close();
    }
  }, 60_000);

  it("needs the spec's mail settings (exit 2)", async () => {
    const dir = install("v3.1.0", { files: false });
    const r = await verify(dir, { notify: true });
    expect(r).toMatchObject({ code: 2, err: "error: --notify mails through targets.compose.backup.notify.email, which the spec does not set" });
  });
});
