import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildComposeFile } from "@family/immich-compose";
import { renderKubernetes } from "@family/immich-k8s";
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
});

describe("import --compose: services, acceleration and .env lines, each noted", () => {
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

const PONDER = new URL("../../test/fixtures/adopt/ponder-k8s/", import.meta.url).pathname;

/** Seed 000's manifests copied into the test folder, each file changed by `edit`, plus `extra` files. */
function manifests(edit: (file: string, text: string) => string = (_, t) => t, extra: Record<string, string> = {}): string {
  for (const file of ["immich-apps.yaml", "immich-db.yaml"]) writeFileSync(join(dir, file), edit(file, readFileSync(join(PONDER, file), "utf8")));
  for (const [file, text] of Object.entries(extra)) writeFileSync(join(dir, file), text);
  return dir;
}

/** Every object the Kubernetes render writes, as text. */
const renderedText = (spec: Parameters<typeof renderKubernetes>[0]) =>
  renderKubernetes(spec)
    .map((f) => f.content)
    .join("\n");

describe("import --kubernetes: each note, and the claim it makes", () => {
  it("the CNPG bootstrap secret is named; the render does not refer to it", async () => {
    const { unmapped, spec } = await runImport({ kubernetes: manifests() });
    expect(unmapped).toContain(
      "kubernetes: the CNPG bootstrap secret immich-db-credentials (the render lets CNPG generate immich-postgres-app; an existing cluster keeps its role and password)",
    );
    expect(renderedText(spec)).not.toContain("immich-db-credentials");
  });

  it("no CloudNativePG Cluster: named, and the render adds one", async () => {
    const { unmapped, spec } = await runImport({
      kubernetes: manifests((file, text) => (file === "immich-db.yaml" ? "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: immich\n" : text)),
    });
    expect(unmapped).toContain("kubernetes: no CloudNativePG Cluster; the render adds one");
    expect(renderedText(spec)).toMatch(/kind: Cluster/);
  });

  it("an in-tree nfs volume: named, and the render mounts the same share through the CSI driver under the same names", async () => {
    const { unmapped, spec } = await runImport({
      kubernetes: manifests((file, text) =>
        file === "immich-apps.yaml"
          ? text.replace(
              / {2}csi:\n {4}driver: nfs.csi.k8s.io\n {4}volumeHandle: luggage-ponder-fotos-nfs-octavo\n {4}volumeAttributes:\n {6}server: luggage\n {6}share: \/volume1\/NetBackup\n {6}subDir: public\/ponder\/Fotos\n/,
              "  nfs:\n    server: luggage\n    path: /volume1/NetBackup/public/ponder/Fotos\n",
            )
          : text,
      ),
    });
    expect(unmapped).toContain(
      "kubernetes: ponder-fotos-pv is an in-tree nfs volume; the render uses the NFS CSI driver (nfs.csi.k8s.io) under the same names",
    );
    const pv = renderedText(spec);
    expect(pv).toContain("name: ponder-fotos-pv");
    expect(pv).toContain("driver: nfs.csi.k8s.io");
    expect(pv).toContain("share: /volume1/NetBackup/public/ponder/Fotos");
  });

  it("a server without a media claim: named, and the spec's upload claim is not taken from the manifests", async () => {
    const { unmapped, text } = await runImport({
      kubernetes: manifests((file, t) => (file === "immich-apps.yaml" ? t.replace("mountPath: /usr/src/app/upload", "mountPath: /srv/elsewhere") : t)),
    });
    expect(unmapped).toContain("kubernetes: the server's media volume (no claim mounted at /data or /usr/src/app/upload)");
    expect(written(text).targets?.kubernetes).not.toHaveProperty("upload");
  });
});

describe("import --kubernetes: the objects and links the spec does not hold, each noted", () => {
  it("a Deployment and a kind the spec does not hold: each named, and the render has neither", async () => {
    const other = [
      "apiVersion: apps/v1",
      "kind: Deployment",
      "metadata: { name: photoprism, namespace: immich }",
      "spec:",
      "  selector: { matchLabels: { app: photoprism } }",
      "  template:",
      "    metadata: { labels: { app: photoprism } }",
      "    spec: { containers: [{ name: p, image: photoprism/photoprism:240915 }] }",
      "---",
      "apiVersion: batch/v1",
      "kind: CronJob",
      "metadata: { name: nightly-dump, namespace: immich }",
      "spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: d, image: postgres:16 }] } } } } }",
      "",
    ].join("\n");
    const { unmapped, spec } = await runImport({ kubernetes: manifests(undefined, { "other.yaml": other }) });
    expect(unmapped).toEqual(expect.arrayContaining(["kubernetes: Deployment photoprism", "kubernetes: CronJob nightly-dump"]));
    const rendered = renderedText(spec);
    expect(rendered).not.toContain("photoprism");
    expect(rendered).not.toContain("nightly-dump");
  });

  it("a link to a folder is named as not followed, and nothing under it is read", async () => {
    const outside = mkdtempSync(join(tmpdir(), "import-notes-outside-"));
    try {
      mkdirSync(join(outside, "more"));
      writeFileSync(join(outside, "more", "ns.yaml"), "apiVersion: batch/v1\nkind: CronJob\nmetadata: { name: from-outside-zzq }\n");
      const folder = manifests();
      symlinkSync(join(outside, "more"), join(folder, "linked"));
      const { unmapped, text } = await runImport({ kubernetes: folder });
      expect(unmapped.some((u) => u.startsWith("kubernetes: ") && u.endsWith("linked: a link to a folder; not followed"))).toBe(true);
      // Read, it would be named like any kind the spec does not hold.
      expect([...unmapped, text].join("\n")).not.toContain("from-outside-zzq");
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
