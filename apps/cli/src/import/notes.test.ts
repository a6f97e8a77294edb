import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildComposeFile } from "@family/immich-compose";
import { createFakeImmich, type FakeImmich } from "@family/fake-immich";
import { parse } from "yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runImport } from "../commands/import.js";

/**
 * Every note import prints is true: each is triggered here by the smallest source that causes it, and
 * what it claims is checked in the spec written (a value "not mapped" is really absent from it).
 */

let dir: string;
let fake: FakeImmich | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "import-notes-"));
});
afterEach(async () => {
  rmSync(dir, { recursive: true, force: true });
  await fake?.close();
  fake = undefined;
});

const SERVER = "ghcr.io/immich-app/immich-server:v2.7.5";
const DB = "ghcr.io/immich-app/postgres:14-vectorchord0.4.3-pgvectors0.2.0";

/** An official-style Compose folder; `server` and `database` are merged over the services' defaults. */
function compose(options: { server?: Record<string, unknown>; database?: Record<string, unknown>; env?: string; extra?: Record<string, unknown> } = {}) {
  const doc = {
    name: "immich",
    services: {
      "immich-server": {
        image: SERVER,
        volumes: ["/srv/immich:/data"],
        environment: { DB_PASSWORD: "${DB_PASSWORD}" },
        ports: ["2283:2283"],
        ...options.server,
      },
      database: {
        image: DB,
        environment: { POSTGRES_PASSWORD: "${DB_PASSWORD}", POSTGRES_USER: "postgres", POSTGRES_DB: "immich" },
        volumes: ["/srv/pg:/var/lib/postgresql/data"],
        ...options.database,
      },
      redis: { image: "docker.io/valkey/valkey:8" },
      ...options.extra,
    },
  };
  writeFileSync(join(dir, "docker-compose.yml"), JSON.stringify(doc, null, 2));
  writeFileSync(join(dir, ".env"), options.env ?? "DB_PASSWORD=fixture-not-a-real-password\n");
  return dir;
}

/** The written spec, read back as the user's YAML parser reads it. */
const written = (text: string) => parse(text) as Record<string, Record<string, unknown>>;

describe("import --compose: each note, and the claim it makes", () => {
  it("a secret-looking server setting is not mapped: neither its name nor its value is in the spec", async () => {
    const { unmapped, text } = await runImport({ compose: compose({ server: { environment: { DB_PASSWORD: "${DB_PASSWORD}", MAPS_TOKEN: "tok-123" } } }) });
    expect(unmapped).toContain("compose: the server's MAPS_TOKEN looks like a secret; set it by hand if the server still needs it");
    expect(text).not.toContain("tok-123");
    expect(written(text).immich?.environment).toBeUndefined();
  });

  it("a server setting that spans lines is not mapped; the others are", async () => {
    const { unmapped, spec } = await runImport({
      compose: compose({ server: { environment: { DB_PASSWORD: "${DB_PASSWORD}", BANNER: "one\ntwo", LOG_FORMAT: "json" } } }),
    });
    expect(unmapped).toContain("compose: the server's BANNER spans lines");
    expect(spec.immich.environment).toEqual({ LOG_FORMAT: "json" });
  });

  it("a second published port is named, and the render publishes only the first", async () => {
    const { unmapped, spec } = await runImport({ compose: compose({ server: { ports: ["2283:2283", "127.0.0.1:8080:2283"] } }) });
    expect(unmapped).toContain("compose: the server also publishes 127.0.0.1:8080; the render publishes one port");
    expect(spec.targets.compose?.publish).toEqual({ port: 2283 });
    const server = buildComposeFile(spec).services["immich-server"];
    expect(server?.ports).toHaveLength(1);
    expect(JSON.stringify(server?.ports)).not.toContain("8080");
  });

  it("a server without a media volume: the note says so, and the spec's media folder is a marked guess", async () => {
    const { unmapped, text } = await runImport({ compose: compose({ server: { volumes: ["/srv/other:/srv/other"] } }) });
    expect(unmapped).toContain("compose: the server's media folder (no volume at /data or /usr/src/app/upload)");
    expect(text).toMatch(/media: \/srv\/immich # guessed: no usable media folder was found/);
  });

  it("a database image that is not Immich's: named, and no Postgres or VectorChord version is taken from it", async () => {
    const { unmapped, text } = await runImport({ compose: compose({ database: { image: "docker.io/library/postgres:16" } }) });
    expect(unmapped).toContain("compose: the database image docker.io/library/postgres:16 (not Immich's postgres image with VectorChord)");
    expect(written(text).database?.postgresMajor).toBeUndefined();
    expect(written(text).database?.vectorVersion).toBeUndefined();
  });

  it("a database password written in the compose file: named, and the password is not in the spec", async () => {
    const { unmapped, text } = await runImport({
      compose: compose({
        server: { environment: { DB_PASSWORD: "literal-pw-42" } },
        database: { environment: { POSTGRES_PASSWORD: "literal-pw-42" } },
      }),
    });
    expect(unmapped).toContain("compose: the database password is written in the compose file; move it to the env file under DB_PASSWORD");
    expect(text).not.toContain("literal-pw-42");
  });

  it("an unknown hardware acceleration: named, and the spec keeps the default (CPU)", async () => {
    const { unmapped, text, spec } = await runImport({
      compose: compose({ server: { extends: { file: "hwaccel.transcoding.yml", service: "quantum" } } }),
    });
    expect(unmapped).toContain('compose: hardware acceleration "quantum"');
    expect(written(text).targets?.compose).not.toHaveProperty("hwaccel");
    expect(spec.targets.compose?.hwaccel).toBe("cpu");
  });

  it("a service the spec does not hold: named, and the render has no service of its image", async () => {
    const { unmapped, spec } = await runImport({ compose: compose({ extra: { dozzle: { image: "amir20/dozzle:v8" } } }) });
    expect(unmapped).toContain('compose: service "dozzle" (amir20/dozzle:v8)');
    expect(JSON.stringify(buildComposeFile(spec).services)).not.toContain("dozzle");
  });

  it("a .env line Compose would not read: named by line, and its value is nowhere in the spec", async () => {
    const { unmapped, text } = await runImport({ compose: compose({ env: "DB_PASSWORD=x\nthis is not a setting zzq\n" }) });
    expect(unmapped).toContain(`compose: ${join(dir, ".env")} line 2: not a NAME=value line; not read`);
    expect(text).not.toContain("zzq");
  });

  it("a variable set nowhere is read as empty, as Compose would: the spec holds the value without it", async () => {
    const { unmapped, spec } = await runImport({
      compose: compose({ server: { environment: { DB_PASSWORD: "${DB_PASSWORD}", LOG_PREFIX: "a${NOWHERE_SET}b" } } }),
    });
    expect(unmapped).toContain("compose: ${NOWHERE_SET} is set neither in .env nor in the environment; read as empty, as Compose would");
    expect(spec.immich.environment).toEqual({ LOG_PREFIX: "ab" });
  });

  it("a required variable that is unset (${X:?msg}) is read as empty and named", async () => {
    const { unmapped, spec } = await runImport({
      compose: compose({ server: { environment: { DB_PASSWORD: "${DB_PASSWORD}", LOG_PREFIX: "${MUST_BE_SET:?set it}" } } }),
    });
    expect(unmapped.some((u) => u.startsWith('compose: "${MUST_BE_SET:?set it}": ') && u.endsWith("; read as empty"))).toBe(true);
    expect(spec.immich.environment?.LOG_PREFIX ?? "").toBe("");
  });
});

describe("import --server: each note, and the claim it makes", () => {
  it("a library without import paths, and one whose owner is gone: each named, neither in the spec", async () => {
    fake = await createFakeImmich({ version: "v3.1.0" });
    const ann = fake.addUser({ email: "ann@example.com", name: "Ann", isAdmin: true });
    fake.state.addLibrary({ ownerId: ann.id, name: "Empty", importPaths: [] });
    fake.state.addLibrary({ ownerId: "00000000-0000-4000-8000-00000000dead", name: "Orphan", importPaths: ["/mnt/orphan"] });
    fake.state.addLibrary({ ownerId: ann.id, name: "Photos", importPaths: ["/mnt/photos"] });
    const { unmapped, spec, text } = await runImport({ server: fake.url, apiKey: fake.addApiKey(ann) });
    expect(unmapped).toEqual(expect.arrayContaining(['library "Empty": it has no import paths', 'library "Orphan": its owner is not an active user']));
    expect(Object.keys(spec.libraries)).toEqual(["photos"]);
    expect(text).not.toContain("/mnt/orphan");
  });
});
