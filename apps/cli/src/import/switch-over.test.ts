import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildComposeFile, serializeCompose } from "@family/immich-compose";
import { createFakeImmich, type FakeImmich } from "@family/fake-immich";
import { createLibrary } from "@immich/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { runCommand } from "../../test/helpers.js";
import { main as importMain, runImport } from "../commands/import.js";
import { main as diffMain } from "../commands/diff.js";
import { readComposeFolder as readRaw } from "./compose-adoption.js";
import { ImportFolder } from "./_read.js";

const readComposeFolder = (dir: string) => readRaw(ImportFolder.open("/", dir, "--compose"), () => undefined);
import { compareInstalls, composeInstallModel, composeSwitchOver } from "./switch-over.js";

const FIXTURES = new URL("../../test/fixtures/adopt/", import.meta.url).pathname;
const fixture = (name: string) => join(FIXTURES, name);
const whats = (differences: readonly { what: string }[]) => differences.map((d) => d.what);

let fake: FakeImmich | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe("the switch-over report of each adoption fixture: imported, rendered, compared as models", () => {
  it("official-compose: no difference on data; the network change and the Valkey image are named", async () => {
    const { switchOver, spec } = await runImport({ compose: fixture("official-compose") });
    expect(switchOver?.filter((d) => d.stateful)).toEqual([]);
    expect(whats(switchOver ?? [])).toEqual([
      "the server leaves the network immich_default",
      "the server joins the network immich-backend",
      "the server joins the network immich-frontend",
      "redis: docker.io/valkey/valkey:8-bookworm → docker.io/valkey/valkey:8.1.4-alpine",
    ]);
    // pgvecto.rs image suffix, container names, /etc/localtime and the published port are kept.
    expect(spec.targets.compose?.images?.database?.suffix).toBe("-pgvectors0.2.0");
    expect(spec.targets.compose?.containerNames?.database).toBe("immich_postgres");
    expect(spec.targets.compose?.localtime).toBe(true);
    expect(spec.targets.compose?.publish).toEqual({ port: 2283 });
  });

  it("truenas-compose (seed 002): only the Valkey image differs", async () => {
    const { switchOver } = await runImport({ compose: fixture("truenas-compose") });
    expect(whats(switchOver ?? [])).toEqual(["redis: docker.io/valkey/valkey:8-alpine → docker.io/valkey/valkey:8.1.4-alpine"]);
  });

  it("legacy-named-volumes: the named DB volume, loopback port, TZ in .env, container names, digests and the pgvecto.rs image are kept", async () => {
    const { switchOver, spec, text } = await runImport({ compose: fixture("legacy-named-volumes") });
    expect(switchOver?.filter((d) => d.stateful)).toEqual([]);
    expect(whats(switchOver ?? [])).toEqual([
      "the server leaves the network immich_default",
      "the server joins the network immich-backend",
      "the server joins the network immich-frontend",
    ]);
    const c = spec.targets.compose;
    expect(c?.volumes).toEqual({ database: "immich_pgdata", modelCache: "immich_model-cache" });
    expect(c?.publish).toEqual({ address: "127.0.0.1", port: 2283 });
    expect(spec.immich.timezone).toBe("Europe/Berlin");
    expect(c?.containerNames).toEqual({
      server: "immich_server",
      machineLearning: "immich_machine_learning",
      redis: "immich_redis",
      database: "immich_postgres",
    });
    expect(c?.images?.server?.digest).toBe(`sha256:${"1".repeat(64)}`);
    const rendered = buildComposeFile(spec);
    expect(rendered.volumes?.database).toEqual({ name: "immich_pgdata", external: true });
    expect(rendered.services["immich-server"]?.ports).toEqual(["127.0.0.1:2283:2283"]);
    expect(rendered.services.database?.image).toBe(`ghcr.io/immich-app/postgres:14-vectorchord0.3.0-pgvectors0.2.0@sha256:${"2".repeat(64)}`);
    expect(rendered.services["immich-server"]?.environment?.TZ).toBe("Europe/Berlin");
    // The root install is told the truth: the render does not chown.
    expect(text).toContain("the init step then leaves the ownership of the data as it is");
    expect(rendered.services["immich-init"]?.command?.[0]).not.toContain("chown");
    expect(text).not.toContain("fixture-not-a-real-password");
  });
});

describe("the switch-over report of the fixtures with extra networks, a self-scheduling backup or split library roots", () => {
  it("cuda-networks-backup: CUDA ML, the proxy network, the self-scheduling backup, HDD tuning and a second env file are kept; the backup's service name is named", async () => {
    const { switchOver, spec } = await runImport({ compose: fixture("cuda-networks-backup") });
    expect(switchOver?.map((d) => [d.kind, d.what])).toEqual([["name", "backup: service db-backup → service immich-db-backup"]]);
    expect(spec.machineLearning.acceleration).toBe("cuda");
    expect(spec.targets.compose?.networks).toMatchObject({ frontend: "caddy_net", frontendExternal: true, backend: "photos-backend" });
    expect(spec.targets.compose?.backup.schedule).toEqual({ by: "container", begin: "0215", interval: "1d" });
    expect(spec.targets.compose?.databaseStorage).toBe("HDD");
    expect(spec.targets.compose?.publish).toBe(false);
    expect(spec.targets.compose?.chown).toBe(false);
    expect(spec.immich.timezone).toBe("America/New_York");
    expect(spec.immich.environment).toEqual({ IMMICH_LOG_LEVEL: "verbose" });
    const rendered = buildComposeFile(spec);
    expect(rendered.services.ml?.image).toBe("ghcr.io/immich-app/immich-machine-learning:v2.7.5-cuda");
    expect(rendered.services["immich-db-backup"]?.environment).toMatchObject({ MODE: "AUTO", DB01_BACKUP_BEGIN: "0215", DB01_BACKUP_INTERVAL: "1440" });
  });

  it("split-library-roots with the server: one bind per import root (never /), and users' storage labels kept", async () => {
    fake = await createFakeImmich({ version: "v3.1.0" });
    const ann = fake.addUser({ email: "ann@example.com", name: "Ann", isAdmin: true, storageLabel: "ann" });
    fake.addUser({ email: "bob@example.com", name: "Bob", storageLabel: "bob-photos" });
    const apiKey = fake.addApiKey(ann);
    await createLibrary(
      { createLibraryDto: { ownerId: ann.id, name: "Mixed", importPaths: ["/mnt/a/photos", "/srv/b/pics"], exclusionPatterns: [] } },
      { baseUrl: fake.url, headers: { "x-api-key": apiKey } },
    );
    const { switchOver, spec, unmapped } = await runImport({ server: fake.url, apiKey, compose: fixture("split-library-roots") });
    expect(Object.keys(spec.libraries)).toEqual(["mixed"]);
    expect(spec.libraries.mixed).toMatchObject({ path: "/", importPaths: ["/mnt/a/photos", "/srv/b/pics"], owner: "ann" });
    expect(spec.targets.compose?.libraries.mixed).toEqual({ roots: { "/mnt/a/photos": "/tank/a/photos", "/srv/b/pics": "/tank/b/pics" } });
    expect(switchOver?.filter((d) => d.stateful)).toEqual([]);
    const volumes = buildComposeFile(spec).services["immich-server"]?.volumes ?? [];
    expect(volumes).toEqual(expect.arrayContaining(["/tank/a/photos:/mnt/a/photos:ro", "/tank/b/pics:/srv/b/pics:ro"]));
    expect(volumes.some((v) => v.startsWith("/:"))).toBe(false);
    expect(spec.members.ann?.storageLabel).toBe("ann");
    expect(spec.members.bob?.storageLabel).toBe("bob-photos");
    // Nothing of the libraries or their binds is left unmapped.
    expect(unmapped.filter((u) => /librar|bind|mount|volume/.test(u))).toEqual([]);
  });
});

describe("the switch-over report of a Kubernetes install (ponder-k8s, seed 000)", () => {
  it("keeps every claim, volume and the database cluster; names the unpinned server image", async () => {
    const { switchOver } = await runImport({ kubernetes: fixture("ponder-k8s") });
    expect(switchOver?.map((d) => [d.stateful, d.kind, d.what])).toEqual([
      [false, "image", "server: ghcr.io/immich-app/immich-server:release → ghcr.io/immich-app/immich-server:v3.1.0"],
    ]);
  });

  it("a claim the render would not mount is an error, and diff --against-kubernetes says so (exit 1)", async () => {
    const { text } = await runImport({ kubernetes: fixture("ponder-k8s") });
    const cwd = mkdtempSync(join(tmpdir(), "against-k8s-"));
    expect(text).toContain("claimName: immich-upload-pvc");
    writeFileSync(join(cwd, "immich-family.yaml"), text.replace("claimName: immich-upload-pvc", "claimName: another-pvc"));
    const r = await runCommand(diffMain, cwd, [], { againstKubernetes: fixture("ponder-k8s") });
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      "  error        /usr/src/app/upload: the install mounts claim immich-upload-pvc; the render mounts claim another-pvc; keep the claim",
    );
  });
});

describe("differences on data", () => {
  /** A Compose folder whose database lives where import cannot map it (PGDATA=/pgdata). */
  function unmappableDatabase(): string {
    const dir = mkdtempSync(join(tmpdir(), "switch-over-"));
    const compose = readFileSync(join(fixture("split-library-roots"), "docker-compose.yml"), "utf8")
      .replace("      - /srv/immich/postgres:/var/lib/postgresql/data", "      - /srv/pg:/pgdata")
      .replace("      POSTGRES_DB: immich", "      POSTGRES_DB: immich\n      PGDATA: /pgdata/data");
    writeFileSync(join(dir, "docker-compose.yml"), compose);
    writeFileSync(join(dir, ".env"), "DB_PASSWORD=x\n");
    return dir;
  }

  it("a database the render would not mount is an error: import exits 1 and writes nothing; --force writes the spec", async () => {
    const dir = unmappableDatabase();
    const cwd = mkdtempSync(join(tmpdir(), "switch-over-out-"));
    const err = await runCommand(importMain, cwd, [], { compose: dir });
    expect(err.code).toBe(1);
    expect(err.err).toContain("would not use the install's data (1 error); nothing was written");
    expect(err.err).toMatch(
      /error +database: the install mounts bind \/srv\/pg at \/pgdata; the render mounts bind .*\/data\/db at \/var\/lib\/postgresql\/data; keep the database where it is/,
    );
    expect(existsSync(join(cwd, "immich-family.yaml"))).toBe(false);
    const forced = await runCommand(importMain, cwd, [], { compose: dir, force: true });
    expect(forced.code).toBe(1);
    expect(existsSync(join(cwd, "immich-family.yaml"))).toBe(true);
  });

  it("compareInstalls: a moved media folder is an error, an added library is not", () => {
    const before = composeInstallModel(readComposeFolder(fixture("truenas-compose")));
    const moved = { ...before, data: { ...before.data, media: "bind /elsewhere at /data", "library /mnt/new": "bind /new (read-only)" } };
    const diffs = compareInstalls(before, moved);
    expect(diffs.map((d) => [d.stateful, d.what])).toEqual([
      [true, "media: the install mounts bind /mnt/archive-pool/private/photos/immich at /usr/src/app/upload; the render mounts bind /elsewhere at /data"],
      [false, "library /mnt/new: the render adds bind /new (read-only)"],
    ]);
  });
});

describe("immich-family diff --against-compose DIR", () => {
  it("prints the same report for a spec written later, and exits 1 when anything differs, 0 when nothing does", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "against-"));
    const { text, spec } = await runImport({ compose: fixture("truenas-compose") });
    writeFileSync(join(cwd, "immich-family.yaml"), text);
    const r = await runCommand(diffMain, cwd, [], { againstCompose: fixture("truenas-compose") });
    expect(r.code).toBe(1);
    expect(r.out.split("\n")).toEqual([
      `Switch-over: the render compared with ${fixture("truenas-compose")}: 1 difference, none on data:`,
      "  image        redis: docker.io/valkey/valkey:8-alpine → docker.io/valkey/valkey:8.1.4-alpine; pin the release or digest you run (immich.version, targets.compose.images)",
    ]);
    // The rendered folder compared with itself matches.
    const rendered = mkdtempSync(join(tmpdir(), "against-rendered-"));
    mkdirSync(rendered, { recursive: true });
    writeFileSync(join(rendered, "compose.yaml"), serializeCompose(buildComposeFile(spec)));
    expect(composeSwitchOver(readComposeFolder(rendered), spec)).toEqual([]);
    const same = await runCommand(diffMain, cwd, [], { againstCompose: rendered });
    expect(same.code).toBe(0);
    expect(same.out.split("\n")[0]).toMatch(/^Switch-over: the render matches /);
  });
});
