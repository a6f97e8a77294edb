import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { verifyChecksum } from "./checksum.js";
import { databaseInName, findNewest, givenFile } from "./find-backup.js";
import { sniff } from "./unpack.js";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const at = (file: string, hoursAgo: number) => {
  const t = new Date(Date.now() - hoursAgo * 3_600_000);
  utimesSync(file, t, t);
};

describe("finding the newest backup", () => {
  it("takes regular files only: a newer FIFO, a link out of the folder and db-backup's latest- link are passed over", async () => {
    dir = mkdtempSync(join(tmpdir(), "find-backup-"));
    const real = join(dir, "pgsql_immich_immich-db_20261205-033000.sql.zst.gpg");
    writeFileSync(real, "x");
    at(real, 5);
    writeFileSync(`${real}.sha1`, "");
    execFileSync("mkfifo", [join(dir, "pgsql_immich_immich-db_20261206-033000.sql.zst.gpg")]);
    symlinkSync("/etc/passwd", join(dir, "pgsql_immich_immich-db_20261207-033000.sql.zst"));
    symlinkSync(real, join(dir, "latest-pgsql_immich_immich-db"));
    writeFileSync(join(dir, "pgsql_globals_immich-db_20261208-033000.sql.zst"), "roles only");
    writeFileSync(join(dir, "notes.txt"), "mine");
    const found = await findNewest(dir, "db-backup", "./backups");
    expect(found).toMatchObject({ found: true, backup: { name: "pgsql_immich_immich-db_20261205-033000.sql.zst.gpg", count: 1 } });
  });

  it("says what is wrong with the folder, naming it as the spec does", async () => {
    dir = mkdtempSync(join(tmpdir(), "find-backup-"));
    expect(await findNewest(join(dir, "nope"), "db-backup", "./backups/db-backup")).toEqual({
      found: false,
      reason: "missing-folder",
      detail: "./backups/db-backup does not exist",
    });
    expect(await findNewest(dir, "immich", "/srv/immich/backups")).toEqual({
      found: false,
      reason: "empty",
      detail: "/srv/immich/backups holds no immich-db-backup-*.sql.gz backup",
    });
    writeFileSync(join(dir, "file"), "");
    expect(await findNewest(join(dir, "file"), "immich", "./file")).toMatchObject({ found: false, reason: "not-a-folder" });
  });

  it("refuses a FIFO named by --file instead of hanging on it", async () => {
    dir = mkdtempSync(join(tmpdir(), "find-backup-"));
    execFileSync("mkfifo", [join(dir, "pipe.sql.gz")]);
    expect(await givenFile(join(dir, "pipe.sql.gz"))).toMatchObject({ found: false, detail: `${join(dir, "pipe.sql.gz")} is not a regular file` });
  });

  it("reads the database a db-backup name holds", () => {
    expect(databaseInName("pgsql_immich_immich-db_20261206-033000.sql.zst.gpg", "immich")).toBe("match");
    expect(databaseInName("pgsql_all_immich-db_20261206-033000.sql.zst", "immich")).toBe("all");
    expect(databaseInName("pgsql_nextcloud_immich-db_20261206-033000.sql.zst", "immich")).toBe("other");
  });
});

describe("the checksum file", () => {
  it("reads sha1sum's format, and never a FIFO or a big file", async () => {
    dir = mkdtempSync(join(tmpdir(), "find-backup-"));
    const file = join(dir, "b.sql.zst");
    writeFileSync(file, "backup");
    expect(await verifyChecksum(file)).toEqual({ status: "none" });
    writeFileSync(`${file}.sha1`, "4ba1e0d2a6ce5ba46a2a8b4bd1c2ea8ae2bcca7a  b.sql.zst\n");
    expect(await verifyChecksum(file)).toMatchObject({ status: "mismatch", expected: "4ba1e0d2a6ce5ba46a2a8b4bd1c2ea8ae2bcca7a" });
    writeFileSync(`${file}.sha1`, `${execFileSync("sha1sum", [file]).toString().split(" ")[0]}  b.sql.zst\n`);
    expect(await verifyChecksum(file)).toMatchObject({ status: "match", algorithm: "sha1" });
    rmSync(`${file}.sha1`);
    execFileSync("mkfifo", [`${file}.sha1`]);
    expect(await verifyChecksum(file)).toMatchObject({ status: "unreadable", detail: "not a small regular file" });
  });
});

describe("recognising a file by its bytes", () => {
  const bytes = (...b: number[]) => Buffer.from(b);
  it.each([
    ["gpg -c, old packet format (GnuPG 2.2)", bytes(0x8c, 0x0d, 0x04, 0x09), "gpg"],
    ["OpenPGP, new packet format", bytes(0xc3, 0x0d, 0x04), "gpg"],
    ["ASCII-armoured", Buffer.from("-----BEGIN PGP MESSAGE-----\n"), "gpg"],
    ["gzip", bytes(0x1f, 0x8b, 0x08), "gzip"],
    ["zstd", bytes(0x28, 0xb5, 0x2f, 0xfd), "zstd"],
    ["bzip2", Buffer.from("BZh91AY"), "bzip2"],
    ["xz", bytes(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00), "xz"],
    ["pg_dump -Fc", Buffer.from("PGDMP\x01\x0f"), "custom"],
    ["pg_dump", Buffer.from("--\n-- PostgreSQL database dump\n--\n"), "plain"],
    ["pg_dumpall", Buffer.from("--\n-- PostgreSQL database cluster dump\n--\n"), "cluster"],
    ["nothing", Buffer.alloc(0), "empty"],
    ["a proxy's login page", Buffer.from("<!doctype html><title>Sign in</title>"), "unknown"],
  ])("%s", (_, head, kind) => expect(sniff(head)).toBe(kind));
});
