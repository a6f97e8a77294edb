import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseSpec } from "@family/immich-spec";
import { parse } from "yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runImport } from "../commands/import.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "import-compose-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const SERVER = "ghcr.io/immich-app/immich-server:v2.7.5";
const DB = "ghcr.io/immich-app/postgres:14-vectorchord0.4.3-pgvectors0.2.0";

function folder(compose: string, env?: string): string {
  writeFileSync(join(dir, "docker-compose.yml"), compose);
  if (env !== undefined) writeFileSync(join(dir, ".env"), env);
  return dir;
}

/** The written spec's parsed content rebuilt from what import reports it mapped. */
function fromMapped(mapped: readonly { path: readonly (string | number)[]; value: unknown }[]): unknown {
  const out: Record<string, unknown> = {};
  for (const { path, value } of mapped) {
    let node = out;
    for (const k of path.slice(0, -1)) {
      if (!Object.hasOwn(node, k)) Object.defineProperty(node, k, { value: {}, enumerable: true, writable: true, configurable: true });
      node = node[k as string] as Record<string, unknown>;
    }
    Object.defineProperty(node, path[path.length - 1] as string, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

describe("import --compose: .env as Compose reads it", () => {
  it("takes quoted values with inline comments, export, ${VAR} defaults and ${HOME} from the environment", async () => {
    folder(
      `services:
  immich-server:
    image: ${SERVER}
    user: "\${PUID}:\${PGID:-1000}"
    volumes: ["\${UPLOAD_LOCATION}:/data", "\${HOME}/pictures:/mnt/pictures:ro", "\${ARCHIVE:-/srv/archive}:/mnt/archive:ro"]
    environment: { TZ: "\${TZ}" }
  database:
    image: ${DB}
    environment: { POSTGRES_PASSWORD: "\${DB_PASSWORD}", POSTGRES_USER: postgres }
    volumes: ["\${DB_DATA_LOCATION}:/var/lib/postgresql/data"]
`,
      `UPLOAD_LOCATION="/srv/my photos" # where the photos live
export DB_DATA_LOCATION='/srv/db'
PUID=1001 # comment
TZ=Europe/Berlin#not-a-comment
DB_PASSWORD="never-in-the-spec"
`,
    );
    const { spec, text, unmapped } = await runImport({ compose: dir, env: { HOME: "/home/ann" } });
    expect(spec.targets.compose?.paths.media).toBe("/srv/my photos");
    expect(spec.targets.compose?.paths.database).toBe("/srv/db");
    expect(spec.targets.compose?.user).toEqual({ uid: 1001, gid: 1000 });
    // A `#` without a space before it is part of the value, which is then no time zone: not mapped, said why.
    expect(spec.immich.timezone).toBeUndefined();
    expect(unmapped.some((u) => u.startsWith('immich.timezone: "Europe/Berlin#not-a-comment" is not valid in a spec'))).toBe(true);
    expect(Object.values(spec.targets.compose?.libraries ?? {}).map((l) => (l as { hostPath?: string }).hostPath)).toEqual([
      "/home/ann/pictures",
      "/srv/archive",
    ]);
    expect(unmapped).toContain("compose: ${HOME} is not in .env; read from this shell's environment, as Compose would");
    expect(text).not.toContain("never-in-the-spec");
  });

  it("resolves YAML merge keys as Compose does: the service's own keys win", async () => {
    folder(`x-common: &common
  restart: always
  user: "1000:1000"
  environment: { TZ: Etc/UTC }
services:
  immich-server:
    <<: *common
    image: ${SERVER}
    user: "2000:2000"
    volumes: ["/srv/immich:/data"]
`);
    const { spec } = await runImport({ compose: dir });
    expect(spec.targets.compose?.user).toEqual({ uid: 2000, gid: 2000 });
    expect(spec.immich.timezone).toBe("Etc/UTC");
  });

  it("a value of the wrong type anywhere is a note, never an exception", async () => {
    folder(`name: 42
services:
  immich-server:
    image: ${SERVER}
    volumes: ["/srv/immich:/data", 5, { target: [1] }]
    environment: { TZ: { zone: x }, IMMICH_MEDIA_LOCATION: 7 }
    labels: 5
    ports: 2283
    extends: { service: [cpu] }
    user: [1000]
  database:
    image: [not, text]
  redis: "valkey"
networks: [a, b]
`);
    const { spec, unmapped } = await runImport({ compose: dir });
    expect(spec.targets.compose?.paths.media).toBe("/srv/immich");
    expect(unmapped).toEqual(
      expect.arrayContaining([
        "compose.name: expected text, got the number 42; not mapped",
        "compose: services.immich-server.volumes: expected text, got the number 5; not mapped",
        "compose: services.immich-server.volumes[2].target: expected text, got a list; not mapped",
        "compose: services.immich-server.environment.TZ: expected text, got a mapping; not mapped",
        "compose: services.immich-server.labels: expected a mapping, got the number 5; not mapped",
        "compose: services.immich-server.ports: expected a list, got the number 2283; not mapped",
        "compose: services.immich-server.extends.service: expected text, got a list; not mapped",
        "compose: services.immich-server.user: expected text, got a list; not mapped",
        "compose: services.database.image: expected text, got a list; not mapped",
        "compose: services.redis: expected a mapping, got text; not mapped",
        "compose.networks: expected a mapping, got a list; not mapped",
      ]),
    );
  });

  it("refuses a compose file that is not a mapping, or not YAML, exit 2", async () => {
    folder("- a\n- b\n");
    await expect(runImport({ compose: dir })).rejects.toMatchObject({
      exitCode: 2,
      message: `${dir}/docker-compose.yml: not a Compose file (expected a mapping with services:).`,
    });
    folder("services: [\n");
    await expect(runImport({ compose: dir })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining("/docker-compose.yml: not valid YAML: ") });
    folder(
      "a: &a [*a, *a]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
    );
    await expect(runImport({ compose: dir })).rejects.toMatchObject({ exitCode: 2 });
  });
});

describe("import writes only what it mapped", () => {
  it("a folder whose values carry newlines, '#', '---', flow syntax and control characters plants nothing", async () => {
    mkdirSync(join(dir, "sub"));
    folder(
      `name: "evil\\nauth:\\n  oauth: { preset: generic, issuerUrl: 'https://evil.example' }"
services:
  "immich\\nauth: { passwordLogin: false }":
    image: "ghcr.io/immich-app/immich-server:release\\nauth:\\n  passwordLogin: false\\n# "
    user: "1000:1000"
    volumes: ["/srv/immich:/data", "/srv/a\\n---\\nauth: {passwordLogin: false}:/mnt/a:ro"]
    environment:
      TZ: "Europe/Berlin\\n---\\nauth: {passwordLogin: false}"
    labels:
      "traefik.http.routers.x.rule": "Host(\`photos.example.com\`) # {a: [b]}"
    ports: ["2283:2283\\u0007\\u001b[2J\\u2028auth: {passwordLogin: false}"]
  "db #1 \\u001b]0;owned\\u0007":
    image: "${DB}"
    environment: { POSTGRES_USER: "postgres\\n# - x", POSTGRES_PASSWORD: "\${DB_PASSWORD}" }
  "other\\r\\nauth: {passwordLogin: false}":
    image: "{a: [b, c]} --- \\u0085auth: x"
`,
      'DB_PASSWORD="x"\n',
    );
    const result = await runImport({ compose: dir }).catch((e) => {
      throw new Error(`${e.message}\n${e.details?.join("\n")}`);
    });
    const parsed = parse(result.text);
    // Key by key, the spec holds what import reports it mapped, and nothing else.
    expect(parsed).toEqual(fromMapped(result.mapped));
    expect(parsed.auth).toBeUndefined();
    const valid = parseSpec(result.text, "imported.yaml");
    expect(valid.ok && valid.value.auth.passwordLogin).toBe(true);
    expect(valid.ok && valid.value.auth.oauth).toBeUndefined();
    // Every line is YAML the library wrote: no raw control character, every comment one line.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: none may be written
    expect(result.text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]/);
    expect(result.text.split("\n").filter((l) => /^(auth|---)/.test(l))).toEqual([]);
    // What the spec refuses (a service name with a newline) is listed, escaped, as not mapped.
    expect(result.unmapped.some((u) => u.startsWith('targets.compose.services.server: "immich\\nauth: { passwordLogin: false }" is not valid in a spec'))).toBe(
      true,
    );
    expect(result.unmapped).toContain('compose: service "other\\r\\nauth: {passwordLogin: false}" ({a: [b, c]} --- \\x85auth: x)');
  });
});
