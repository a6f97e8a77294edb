import { describe, expect, test } from "vitest";
import { specWith } from "../test/helpers.js";
import { buildComposeFile } from "./compose-file.js";
import type { ComposeFile, ComposeService } from "./compose-model.js";
import { renderDeployReadme } from "./deploy-readme.js";

/** What an adopted install depends on, said in the spec and kept by the render. */
const adopted = () =>
  specWith("family.yaml", (d) => {
    const c = d.targets.compose;
    delete c.traefik;
    c.volumes = { database: "immich_pgdata", modelCache: "immich_model-cache" };
    c.publish = { address: "127.0.0.1", port: 2283 };
    c.localtime = true;
    c.containerNames = { server: "immich_server", machineLearning: "immich_machine_learning", redis: "immich_redis", database: "immich_postgres" };
    c.networks = { join: ["immich_default"] };
    c.images = {
      server: { digest: `sha256:${"a".repeat(64)}` },
      database: { suffix: "-pgvectors0.2.0", digest: `sha256:${"b".repeat(64)}` },
    };
    c.databaseStorage = "HDD";
    d.immich.timezone = "Europe/Berlin";
    d.immich.environment = { IMMICH_LOG_LEVEL: "verbose" };
    d.machineLearning.acceleration = "cuda";
  });

function svc(file: ComposeFile, name: string): ComposeService {
  const s = file.services[name];
  if (!s) throw new Error(`no service ${name}`);
  return s;
}

describe("an adopted install's names, volumes, ports and images", () => {
  const file = buildComposeFile(adopted());

  test("the database and model cache are the install's named volumes, external by their real names", () => {
    expect(file.volumes).toMatchObject({ database: { name: "immich_pgdata", external: true }, "model-cache": { name: "immich_model-cache", external: true } });
    expect(svc(file, "immich-db").volumes).toEqual(["database:/var/lib/postgresql/data"]);
    expect(svc(file, "immich-machine-learning").volumes).toContain("model-cache:/cache");
    // The init step owns the model cache inside the volume, never the database.
    expect(svc(file, "immich-init").volumes).toContain("model-cache:/cache");
    expect(svc(file, "immich-init").volumes?.join(" ")).not.toContain("database");
  });

  test("the port is published on the loopback address only, and /etc/localtime and TZ reach the server", () => {
    const server = svc(file, "immich-server");
    expect(server.ports).toEqual(["127.0.0.1:2283:2283"]);
    expect(server.volumes).toContain("/etc/localtime:/etc/localtime:ro");
    expect(svc(file, "immich-machine-learning").volumes).toContain("/etc/localtime:/etc/localtime:ro");
    expect(server.environment).toMatchObject({ TZ: "Europe/Berlin", IMMICH_LOG_LEVEL: "verbose" });
  });

  test("container names, the joined network and the image variants and digests are kept", () => {
    expect(svc(file, "immich-db").container_name).toBe("immich_postgres");
    expect(svc(file, "immich-server").container_name).toBe("immich_server");
    expect(svc(file, "immich-redis").container_name).toBe("immich_redis");
    expect(svc(file, "immich-worker").container_name).toBeUndefined();
    expect(file.networks.joined).toEqual({ name: "immich_default", external: true });
    expect(svc(file, "immich-server").networks).toContain("joined");
    expect(svc(file, "immich-server").image).toBe(`ghcr.io/immich-app/immich-server:v3.1.0@sha256:${"a".repeat(64)}`);
    expect(svc(file, "immich-db").image).toBe(`ghcr.io/immich-app/postgres:16-vectorchord0.3.0-pgvectors0.2.0@sha256:${"b".repeat(64)}`);
    expect(svc(file, "immich-machine-learning").image).toMatch(/immich-machine-learning:v3\.1\.0-cuda$/);
    expect(svc(file, "immich-db").environment?.DB_STORAGE_TYPE).toBe("HDD");
  });

  test("a published port on an IPv6 address is bracketed; with Traefik and no publish, nothing is published", () => {
    const v6 = buildComposeFile(
      specWith("family.yaml", (d) => {
        d.targets.compose.publish = { address: "::1", port: 8080 };
      }),
    );
    expect(svc(v6, "immich-server").ports).toEqual(["[::1]:8080:2283"]);
    expect(svc(buildComposeFile(specWith("family.yaml", () => {})), "immich-server").ports).toBeUndefined();
  });
});

describe("libraries bound one import root at a time", () => {
  test("roots whose only common parent is / become one read-only bind each, in the server and the worker", () => {
    const file = buildComposeFile(
      specWith("family.yaml", (d) => {
        d.libraries = { mixed: { owner: "rincewind", path: "/", importPaths: ["/mnt/a/photos", "/srv/b/pics"] } };
        d.targets.compose.libraries = { mixed: { roots: { "/mnt/a/photos": "/tank/photos", "/srv/b/pics": "/tank/pics" } } };
        delete d.targets.kubernetes;
      }),
    );
    for (const name of ["immich-server", "immich-worker"]) {
      const volumes = svc(file, name).volumes ?? [];
      expect(volumes).toContain("/tank/photos:/mnt/a/photos:ro");
      expect(volumes).toContain("/tank/pics:/srv/b/pics:ro");
      expect(volumes.some((v) => v.startsWith("/:"))).toBe(false);
    }
  });
});

describe("root installs", () => {
  test("uid:gid 0:0: the init step fills the config and chowns nothing", () => {
    const spec = specWith("family.yaml", (d) => {
      d.targets.compose.user = { uid: 0, gid: 0 };
    });
    const init = svc(buildComposeFile(spec), "immich-init");
    expect(init.command?.[0]).not.toContain("chown");
    expect(init.command?.[0]).toContain("immich-family config fill");
    expect(init.cap_add).toEqual(["DAC_OVERRIDE"]);
    expect(init.volumes?.some((v) => v.includes(":/data"))).toBe(false);
    expect(renderDeployReadme(spec, "1.0.0")).toContain("It leaves the ownership of the media, model cache and backups as it is (the stack runs as root");
  });

  test("chown: false keeps the trees' ownership but still hands the config file to uid:gid", () => {
    const spec = specWith("family.yaml", (d) => {
      d.targets.compose.chown = false;
    });
    const script = svc(buildComposeFile(spec), "immich-init").command?.[0] ?? "";
    expect(script).not.toContain("find ");
    expect(script).toContain("chown 1000:1000 /config/immich-config.yaml");
  });
});

describe("the deploy README", () => {
  test("says Compose v2 is needed and that .env is interpolated into user: and command:, env_file values are not", () => {
    const text = renderDeployReadme(adopted(), "1.0.0");
    expect(text).toContain("needs Docker Compose v2");
    expect(text).toContain("`user:` and `command:` included; the values of an `env_file:` reach only the container's environment");
    expect(text).not.toContain("does not interpolate");
    expect(text).toContain("stays up and schedules itself");
    expect(text).not.toContain("30 3 * * *");
  });

  test("the first admin: an install that already has its users has none to make; a fresh one gets it from the worker, bootstrap or the wizard", () => {
    const text = renderDeployReadme(adopted(), "1.0.0");
    expect(text).toContain(
      "2. **An install that already has its users** (adopted from a running Immich, its members imported): there is no first admin to make; everyone signs in as before. Go on with 3.",
    );
    expect(text).toContain("**A fresh install** (no users yet) needs its first admin right away");
    expect(text).not.toMatch(/first account (you create )?becomes the admin/);
    expect(text).toContain("`immich-family bootstrap` does it for you: give `members.rincewind.password`");
    expect(text).toContain("(e.g. `http://localhost:2283` on this host)");
    expect(text).toContain("   Or by hand: open https://photos.rincewind.family right away");
    const withPassword = renderDeployReadme(
      specWith("family.yaml", (d) => {
        d.members.rincewind.password = "${RINCEWIND_PASSWORD}";
      }),
      "1.0.0",
    );
    expect(withPassword).toContain(
      "The worker does it at its first start: with no admin on the server and no key in `IMMICH_API_KEY`, it signs up `rincewind` (rincewind@example.com) with `members.rincewind.password`",
    );
    expect(withPassword).toContain("not through Traefik, which refuses the sign-up");
    expect(withPassword).toContain("   Or by hand: the Traefik router `rincewind-admin-sign-up` refuses that path");
  });
});
