import { secretKeys } from "@family/immich-spec";
import { immichRoutesToSignUp, ORDINARY_API_PATHS, SIGN_UP_ATTEMPTS } from "@family/test-kit";
import { describe, expect, test } from "vitest";
import { type Draft, exampleSpec, specWith, traefikRoute } from "../test/helpers.js";
import { buildComposeFile } from "./compose-file.js";
import type { ComposeFile, ComposeService } from "./compose-model.js";

const truenas = () => buildComposeFile(exampleSpec("truenas.yaml"));
const family = () => buildComposeFile(exampleSpec("family.yaml"));
const compose = (name: string, mutate: (d: Draft) => void) => buildComposeFile(specWith(name, mutate));

function svc(file: ComposeFile, name: string): ComposeService {
  const s = file.services[name];
  if (!s) throw new Error(`no service ${name} in ${Object.keys(file.services).join(", ")}`);
  return s;
}
/** How the stack references a key of the env file. */
const ref = (key: string) => `\${${key}:?set ${key} in .env}`;
const initScript = (file: ComposeFile) => svc(file, "immich-init").command?.[0] ?? "";

describe("uid:gid", () => {
  test("the writing services run as the spec's uid:gid, and init owns the writable paths to it", () => {
    const file = compose("family.yaml", (d) => {
      d.targets.compose.user = { uid: 3106, gid: 3202 };
    });
    for (const name of ["immich-server", "immich-machine-learning", "immich-worker"]) expect(svc(file, name).user).toBe("3106:3202");
    expect(initScript(file)).toContain("! -user 3106 -o ! -group 3202");
    expect(initScript(file)).toContain("-exec chown -h 3106:3202 {} +");
    expect(initScript(file)).toContain("chown 3106:3202 /config/immich-config.yaml");
    expect(initScript(family())).toContain("-exec chown -h 1000:1000 {} +");
  });

  test("init is a root one-shot with only CHOWN and DAC_OVERRIDE, and fills the template with the project's program", () => {
    const init = svc(truenas(), "immich-init");
    expect(init).toMatchObject({ user: "0:0", restart: "no", cap_drop: ["ALL"], cap_add: ["CHOWN", "DAC_OVERRIDE"], network_mode: "none" });
    expect(init.image).toMatch(/^ghcr\.io\/immich-family\/immich-family:\d+\.\d+\.\d+$/);
    expect(init.command?.[0]?.split("\n")).toContain("immich-family config fill --template /template/immich-config.yaml.tmpl --out /config/immich-config.yaml");
    expect(init.volumes).toContain("./immich-config.yaml.tmpl:/template/immich-config.yaml.tmpl:ro");
  });

  test("init owns the writable trees but only the config folder itself: seed 002 keeps the database under ./data", () => {
    const lines = initScript(truenas()).split("\n");
    const find = lines.find((l) => l.startsWith("find ")) ?? "";
    expect(find.split(" \\(")[0]?.split(" ").slice(1)).toEqual(["/data", "/cache", "/backup"]);
    expect(lines).toContain("chown 3106:3202 /config");
    expect(lines.join("\n")).not.toMatch(/chown -R/);
  });

  test("a database folder inside a tree init owns never validates", () => {
    expect(() =>
      compose("truenas.yaml", (d) => {
        d.targets.compose.paths.database = "/mnt/archive-pool/private/photos/immich/db";
      }),
    ).toThrow("the database folder /mnt/archive-pool/private/photos/immich/db is inside paths.media");
  });

  test("every other long-lived service that writes waits for init to complete", () => {
    const file = family();
    for (const name of ["immich-server", "immich-machine-learning", "immich-db-backup", "immich-worker"]) {
      expect(svc(file, name).depends_on?.["immich-init"]).toEqual({ condition: "service_completed_successfully" });
    }
    expect(svc(file, "immich-server").depends_on).toMatchObject({
      "immich-db": { condition: "service_healthy" },
      "immich-redis": { condition: "service_healthy" },
    });
  });
});

describe("host paths", () => {
  test("media, database, model cache, backups and config come from the spec", () => {
    const file = compose("truenas.yaml", (d) => {
      d.targets.compose.paths = {
        media: "/mnt/tank/media",
        database: "/mnt/ssd/db",
        modelCache: "/mnt/ssd/models",
        backups: "/mnt/tank/backups",
        config: "./conf",
      };
    });
    expect(svc(file, "immich-server").volumes).toEqual(["/mnt/tank/media:/data", "./conf:/config:ro"]);
    expect(svc(file, "immich-server").environment).toMatchObject({ IMMICH_MEDIA_LOCATION: "/data", IMMICH_CONFIG_FILE: "/config/immich-config.yaml" });
    expect(svc(file, "immich-machine-learning").volumes).toEqual(["/mnt/ssd/models:/cache"]);
    // Non-root, the downloader's ~/.cache must land in the writable model cache.
    expect(svc(file, "immich-machine-learning").environment).toMatchObject({ MACHINE_LEARNING_CACHE_FOLDER: "/cache", HOME: "/cache" });
    expect(svc(file, "immich-db").volumes).toEqual(["/mnt/ssd/db:/var/lib/postgresql/data"]);
    expect(svc(file, "immich-db-backup").volumes).toEqual(["/mnt/tank/backups:/backup"]);
    const init = svc(file, "immich-init").volumes ?? [];
    expect(init).toEqual(expect.arrayContaining(["/mnt/tank/media:/data", "./conf:/config", "/mnt/ssd/models:/cache", "/mnt/tank/backups:/backup"]));
    expect(init.join(" ")).not.toContain("/mnt/ssd/db");
  });

  test("libraries are bind-mounted read-only at the path the spec names, in the server and the worker", () => {
    const file = compose("family.yaml", (d) => {
      d.targets.compose.libraries.family.hostPath = "/volume1/family";
      d.libraries.family.path = "/libs/family";
    });
    for (const name of ["immich-server", "immich-worker"]) expect(svc(file, name).volumes).toContain("/volume1/family:/libs/family:ro");
    expect(svc(file, "immich-server").volumes).toContain("/srv/photos/travel:/mnt/photos/travel:ro");
    expect(svc(file, "immich-worker").volumes).toContain("./worker-spec.yaml:/etc/immich-family/worker-spec.yaml:ro");
  });

  test("a library without a host path on the compose target is an error naming the field", () => {
    expect(() =>
      compose("family.yaml", (d) => {
        delete d.targets.compose.libraries.travel;
      }),
    ).toThrow("targets.compose.libraries.travel");
  });

  test("Postgres 18 keeps its data one level up", () => {
    const file = compose("truenas.yaml", (d) => {
      d.database.postgresMajor = 18;
      d.database.vectorVersion = "1.1.1";
    });
    expect(svc(file, "immich-db").image).toBe("ghcr.io/immich-app/postgres:18-vectorchord1.1.1");
    expect(svc(file, "immich-db").volumes).toEqual(["./data/db:/var/lib/postgresql"]);
  });
});

describe("hosts and middlewares", () => {
  test("the web host router carries the forward-auth middleware, the mobile host router does not", () => {
    const labels = svc(truenas(), "immich-server").labels ?? {};
    expect(labels).toMatchObject({
      "traefik.enable": "true",
      "traefik.docker.network": "immich-frontend",
      "traefik.http.routers.immich-web.rule": "Host(`photos.example.org`)",
      "traefik.http.routers.immich-web.middlewares": "forward-auth@file",
      "traefik.http.routers.immich-mobile.rule": "Host(`photos-mobile.example.org`)",
      "traefik.http.services.immich.loadbalancer.server.port": "2283",
    });
    expect(labels).not.toHaveProperty("traefik.http.routers.immich-mobile.middlewares");
    for (const r of ["immich-web", "immich-mobile"]) {
      expect(labels[`traefik.http.routers.${r}.entrypoints`]).toBe("websecure");
      expect(labels[`traefik.http.routers.${r}.tls.certresolver`]).toBe("letsencrypt");
      expect(labels[`traefik.http.routers.${r}.service`]).toBe("immich");
    }
  });

  test("hosts, middleware, entrypoint, resolver and network follow the spec", () => {
    const file = compose("truenas.yaml", (d) => {
      d.hosts = { web: "pics.home.test", mobile: "m.home.test" };
      d.auth.oauth.mobileRedirectHost = "m.home.test";
      d.targets.compose.projectName = "pics";
      d.targets.compose.networks.frontend = "proxy";
      d.targets.compose.traefik = { entrypoint: "https", certResolver: "le", forwardAuth: "authelia@docker" };
    });
    const labels = svc(file, "immich-server").labels ?? {};
    expect(labels).toMatchObject({
      "traefik.docker.network": "proxy",
      "traefik.http.routers.pics-web.rule": "Host(`pics.home.test`)",
      "traefik.http.routers.pics-web.middlewares": "authelia@docker",
      "traefik.http.routers.pics-web.entrypoints": "https",
      "traefik.http.routers.pics-web.tls.certresolver": "le",
      "traefik.http.routers.pics-mobile.rule": "Host(`m.home.test`)",
      "traefik.http.services.pics.loadbalancer.server.port": "2283",
    });
    expect(file.networks.frontend).toEqual({ name: "proxy", external: true });
  });

  test("without a mobile host, the API paths of the web host bypass forward-auth", () => {
    const file = compose("truenas.yaml", (d) => {
      delete d.hosts.mobile;
      delete d.auth.oauth.mobileRedirectHost;
    });
    const labels = svc(file, "immich-server").labels ?? {};
    expect(labels["traefik.http.routers.immich-api.rule"]).toBe("Host(`photos.example.org`) && (PathPrefix(`/api`) || PathPrefix(`/.well-known/immich`))");
    expect(labels).not.toHaveProperty("traefik.http.routers.immich-api.middlewares");
    expect(labels).not.toHaveProperty("traefik.http.routers.immich-mobile.rule");
  });

  test("without Traefik the server publishes its port and carries no labels", () => {
    const server = svc(
      compose("truenas.yaml", (d) => {
        delete d.targets.compose.traefik;
      }),
      "immich-server",
    );
    expect(server.labels).toBeUndefined();
    expect(server.ports).toEqual(["2283:2283"]);
    expect(svc(truenas(), "immich-server").ports).toBeUndefined();
  });
});

describe("Immich's first-admin sign-up", () => {
  const labelsOf = (file: ComposeFile) => svc(file, "immich-server").labels ?? {};
  /** The attempts on `hosts` that reach Immich's sign-up handler from outside (not loopback) through the labels' routers. */
  const reaching = (labels: Record<string, string>, hosts: readonly string[]) =>
    hosts.flatMap((host) =>
      SIGN_UP_ATTEMPTS.filter((target) => {
        const { router, path } = traefikRoute(labels, host, target);
        if (!router || path === undefined || router.service === "noop@internal") return false;
        const loopbackOnly = router.middlewares.some((m) => labels[`traefik.http.middlewares.${m}.ipallowlist.sourcerange`] === "127.0.0.1/32,::1/128");
        return !loopbackOnly && immichRoutesToSignUp(path);
      }).map((target) => `${host}${target}`),
    );
  const noMobile = () =>
    compose("truenas.yaml", (d) => {
      delete d.hosts.mobile;
      delete d.auth.oauth.mobileRedirectHost;
    });

  test("a router above all others refuses it on the web and mobile hosts: loopback-only allow list, Traefik's no-op service", () => {
    const labels = labelsOf(family());
    expect(Object.fromEntries(Object.entries(labels).filter(([k]) => k.includes("admin-sign-up")))).toEqual({
      "traefik.http.middlewares.rincewind-admin-sign-up.ipallowlist.sourcerange": "127.0.0.1/32,::1/128",
      "traefik.http.routers.rincewind-admin-sign-up.rule":
        "(Host(`photos.rincewind.family`) || Host(`app.photos.rincewind.family`)) && PathRegexp(`^/+(?i:api/+auth/+admin-sign-up)`)",
      "traefik.http.routers.rincewind-admin-sign-up.priority": "2147482647",
      "traefik.http.routers.rincewind-admin-sign-up.entrypoints": "websecure",
      "traefik.http.routers.rincewind-admin-sign-up.tls": "true",
      "traefik.http.routers.rincewind-admin-sign-up.tls.certresolver": "letsencrypt",
      "traefik.http.routers.rincewind-admin-sign-up.middlewares": "rincewind-admin-sign-up",
      "traefik.http.routers.rincewind-admin-sign-up.service": "noop@internal",
    });
  });

  test.each([
    ["a mobile host", family, ["photos.rincewind.family", "app.photos.rincewind.family"]],
    ["the web host's API router", noMobile, ["photos.example.org"]],
    [
      "no forward-auth",
      () =>
        compose("truenas.yaml", (d) => {
          delete d.hosts.mobile;
          delete d.auth.oauth.mobileRedirectHost;
          delete d.targets.compose.traefik.forwardAuth;
        }),
      ["photos.example.org"],
    ],
  ] as const)("with %s, no spelling of it reaches the server, and would without the refusal", (_, file, hosts) => {
    const labels = labelsOf(file());
    expect(reaching(labels, hosts)).toEqual([]);
    for (const host of hosts) {
      for (const target of ["/api/auth/admin-sign-up", "/API/Auth/Admin-Sign-Up/", "/api//auth/admin%2Dsign-up?x=1"])
        expect(traefikRoute(labels, host, target).router?.name).toMatch(/-admin-sign-up$/);
    }
    const without = Object.fromEntries(Object.entries(labels).filter(([k]) => !k.includes("admin-sign-up")));
    expect(reaching(without, hosts)).toContain(`${hosts.at(-1)}/api/auth/admin-sign-up/`);
  });

  test("the apps' own API paths and the web UI still reach the server by the routers they used", () => {
    const labels = labelsOf(family());
    for (const target of ORDINARY_API_PATHS) {
      expect(traefikRoute(labels, "app.photos.rincewind.family", target).router?.name).toBe("rincewind-mobile");
      expect(traefikRoute(labels, "photos.rincewind.family", target).router?.name).toBe("rincewind-web");
    }
    expect(traefikRoute(labelsOf(noMobile()), "photos.example.org", "/api/server/ping").router?.name).toBe("immich-api");
    expect(traefikRoute(labelsOf(noMobile()), "photos.example.org", "/photos").router?.name).toBe("immich-web");
  });
});

describe("hardware acceleration", () => {
  const server = (hwaccel: string) =>
    svc(
      compose("truenas.yaml", (d) => {
        d.targets.compose.hwaccel = hwaccel;
      }),
      "immich-server",
    );

  test("cpu adds nothing", () => {
    const s = server("cpu");
    for (const k of ["devices", "deploy", "group_add", "security_opt"] as const) expect(s[k]).toBeUndefined();
  });
  test("nvenc reserves an nvidia GPU with gpu, compute and video", () => {
    expect(server("nvenc").deploy).toEqual({
      resources: { reservations: { devices: [{ driver: "nvidia", count: 1, capabilities: ["gpu", "compute", "video"] }] } },
    });
    expect(server("nvenc").devices).toBeUndefined();
  });
  test.each(["quicksync", "vaapi"])("%s passes /dev/dri", (mode) => {
    expect(server(mode).devices).toEqual(["/dev/dri:/dev/dri"]);
  });
  test("rkmpp passes the Rockchip devices, unconfined, in group video", () => {
    const s = server("rkmpp");
    expect(s.devices).toEqual(["/dev/rga:/dev/rga", "/dev/dri:/dev/dri", "/dev/dma_heap:/dev/dma_heap", "/dev/mpp_service:/dev/mpp_service"]);
    expect(s.security_opt).toEqual(["systempaths=unconfined", "apparmor=unconfined"]);
    expect(s.group_add).toEqual(["video"]);
  });

  test.each([
    ["cpu", "", undefined],
    ["cuda", "-cuda", undefined],
    ["openvino", "-openvino", ["/dev/dri:/dev/dri"]],
    ["rknn", "-rknn", ["/dev/dri:/dev/dri"]],
    ["armnn", "-armnn", ["/dev/mali0:/dev/mali0"]],
    ["rocm", "-rocm", ["/dev/dri:/dev/dri", "/dev/kfd:/dev/kfd"]],
  ])("machine learning %s: image suffix %j and its devices", (acceleration, suffix, devices) => {
    const ml = svc(
      compose("truenas.yaml", (d) => {
        d.machineLearning.acceleration = acceleration;
      }),
      "immich-machine-learning",
    );
    expect(ml.image).toBe(`ghcr.io/immich-app/immich-machine-learning:v3.1.0${suffix}`);
    expect(ml.devices).toEqual(devices);
    expect(ml.volumes?.[0]).toBe("./data/model-cache:/cache");
  });
});

describe("backup", () => {
  test("by default the container schedules itself nightly at 03:00 and stays up: no host cron line needed", () => {
    const b = svc(family(), "immich-db-backup");
    expect(b.restart).toBe("unless-stopped");
    expect(b.environment).toMatchObject({ MODE: "AUTO", DB01_BACKUP_BEGIN: "0300", DB01_BACKUP_INTERVAL: "1440" });
    expect(b.environment).not.toHaveProperty("MANUAL_RUN_FOREVER");
    const weekly = svc(
      compose("family.yaml", (d) => {
        d.targets.compose.backup.schedule = { begin: "0115", interval: "7d" };
      }),
      "immich-db-backup",
    );
    expect(weekly.environment).toMatchObject({ MODE: "AUTO", DB01_BACKUP_BEGIN: "0115", DB01_BACKUP_INTERVAL: "10080" });
  });

  test("schedule by host: one-shot MANUAL mode, ZSTD, SHA1, encrypted with the passphrase key, cleanup after the retention", () => {
    // Seed 002 (examples/truenas.yaml): a CD job runs the backup.
    const b = svc(truenas(), "immich-db-backup");
    expect(b.restart).toBe("no");
    expect(b.image).toBe("docker.io/tiredofit/db-backup:4.1.100");
    expect(b.environment).not.toHaveProperty("DB01_BACKUP_BEGIN");
    expect(b.environment).toMatchObject({
      MODE: "MANUAL",
      MANUAL_RUN_FOREVER: "FALSE",
      DB01_TYPE: "pgsql",
      DB01_HOST: "immich-db",
      DB01_NAME: "immich",
      DB01_USER: "immich",
      DB01_COMPRESSION: "ZSTD",
      DB01_CHECKSUM: "SHA1",
      DB01_ENCRYPT: "TRUE",
      DB01_FILESYSTEM_PATH: "/backup",
      DB01_CLEANUP_TIME: "2880",
    });
    expect(b.environment?.DB01_PASS).toMatch(/^\$\{DB_PASSWORD:\?/);
    expect(b.environment?.DB01_ENCRYPT_PASSPHRASE).toMatch(/^\$\{DB_ENC_PASSPHRASE:\?/);
    expect(b.networks).toEqual(["backend"]);
  });

  test.each([
    ["7d", "10080"],
    ["90m", "90"],
    ["36h", "2160"],
  ])("retention %s is %s minutes", (retention, minutes) => {
    const file = compose("truenas.yaml", (d) => {
      d.targets.compose.backup.retention = retention;
    });
    expect(svc(file, "immich-db-backup").environment?.DB01_CLEANUP_TIME).toBe(minutes);
  });

  test("passphrase key, database names and encryption follow the spec", () => {
    const file = compose("truenas.yaml", (d) => {
      d.targets.compose.backup.passphrase = `\${BACKUP_KEY}`;
      d.database.name = "photos";
      d.database.user = "photos_app";
    });
    expect(svc(file, "immich-db-backup").environment).toMatchObject({ DB01_NAME: "photos", DB01_USER: "photos_app" });
    expect(svc(file, "immich-db-backup").environment?.DB01_ENCRYPT_PASSPHRASE).toMatch(/^\$\{BACKUP_KEY:\?/);
    const plain = compose("truenas.yaml", (d) => {
      d.targets.compose.backup.encrypt = false;
    });
    expect(svc(plain, "immich-db-backup").environment?.DB01_ENCRYPT).toBe("FALSE");
    expect(svc(plain, "immich-db-backup").environment).not.toHaveProperty("DB01_ENCRYPT_PASSPHRASE");
  });

  test("disabled: no backup service and no backups path to own", () => {
    const file = compose("truenas.yaml", (d) => {
      d.targets.compose.backup.enabled = false;
    });
    expect(file.services).not.toHaveProperty("immich-db-backup");
    expect(initScript(file)).not.toContain("/backup");
  });
});

describe("networks", () => {
  test("backend is internal; Valkey, Postgres, the backup and the exporter sit on it alone", () => {
    const file = truenas();
    expect(file.networks.backend).toEqual({ name: "immich-backend", internal: true });
    for (const name of ["immich-redis", "immich-db", "immich-db-backup", "immich-db-exporter"]) {
      expect(svc(file, name).networks).toEqual(["backend"]);
      expect(svc(file, name).ports).toBeUndefined();
    }
  });

  test("the server and ML reach outside through a non-internal network; the init step has no network", () => {
    const file = truenas();
    const egressCapable = (name: string) => (svc(file, name).networks ?? []).some((n) => file.networks[n] && !file.networks[n]?.internal);
    expect(egressCapable("immich-server")).toBe(true);
    expect(egressCapable("immich-machine-learning")).toBe(true);
    expect(svc(file, "immich-machine-learning").networks).not.toContain("frontend");
    expect(svc(file, "immich-init").network_mode).toBe("none");
  });

  test("the exporter reads the database through DATA_SOURCE_* with the password as a reference", () => {
    expect(svc(truenas(), "immich-db-exporter").environment).toEqual({
      DATA_SOURCE_URI: "immich-db:5432/immich?sslmode=disable",
      DATA_SOURCE_USER: "immich",
      DATA_SOURCE_PASS: ref("DB_PASSWORD"),
    });
    const off = compose("truenas.yaml", (d) => {
      d.targets.compose.metricsExporter.enabled = false;
    });
    expect(off.services).not.toHaveProperty("immich-db-exporter");
  });

  test("network names default from the project; the frontend can be created by this stack", () => {
    const file = compose("family.yaml", (d) => {
      d.targets.compose.networks = { frontendExternal: false };
    });
    expect(file.networks.frontend).toEqual({ name: "rincewind-frontend" });
    expect(file.networks.backend).toEqual({ name: "rincewind-backend", internal: true });
  });
});

describe("services from the common spec", () => {
  test("images are pinned to the spec's versions", () => {
    const file = compose("truenas.yaml", (d) => {
      d.immich.version = "v3.1.0";
      d.database.postgresMajor = 16;
      d.database.vectorVersion = "0.4.3";
      d.redis = {};
    });
    expect(svc(file, "immich-server").image).toBe("ghcr.io/immich-app/immich-server:v3.1.0");
    expect(svc(file, "immich-db").image).toBe("ghcr.io/immich-app/postgres:16-vectorchord0.4.3");
    expect(svc(file, "immich-db")).toMatchObject({ shm_size: "128mb", environment: { POSTGRES_INITDB_ARGS: "--data-checksums" } });
    expect(svc(file, "immich-redis").command).toBeUndefined();
    expect(svc(file, "immich-server").environment).not.toHaveProperty("REDIS_PASSWORD");
  });

  test("Valkey requires the password key when the spec sets one, from its environment, not its command line", () => {
    const redis = svc(truenas(), "immich-redis");
    expect(redis.environment).toEqual({ REDISCLI_AUTH: ref("IMMICH_REDIS_PASSWORD"), VALKEYCLI_AUTH: ref("IMMICH_REDIS_PASSWORD") });
    expect(redis.entrypoint).toEqual(["/bin/sh", "-c"]);
    const script = redis.command?.[0] ?? "";
    // `$$` is Compose's literal `$`: the shell reads the variable at start, Compose never interpolates it.
    expect(script.split("\n")).toEqual([
      "set -eu",
      `pw=$$(printf '%s' "$$REDISCLI_AUTH" | sed 's/[\\\\"]/\\\\&/g')`,
      "exec docker-entrypoint.sh valkey-server - <<EOF",
      'requirepass "$$pw"',
      "EOF",
      "",
    ]);
    expect(script).not.toContain("IMMICH_REDIS_PASSWORD");
    expect(script).not.toMatch(/\$\{/);
    expect(redis.healthcheck?.test.join(" ")).toContain("ping");
    expect(svc(truenas(), "immich-server").environment?.REDIS_PASSWORD).toBe(ref("IMMICH_REDIS_PASSWORD"));
  });

  test("the server pings /api/server/ping and reaches ML at a rendered service", () => {
    const file = truenas();
    const server = svc(file, "immich-server");
    expect(server.healthcheck?.test.join(" ")).toContain("http://127.0.0.1:2283/api/server/ping");
    const mlHost = new URL(server.environment?.IMMICH_MACHINE_LEARNING_URL ?? "").hostname;
    expect(file.services).toHaveProperty(mlHost);
  });

  test("the worker runs only when enabled and gets only its API keys; its own may be empty (it then bootstraps one)", () => {
    const file = family();
    const worker = svc(file, "immich-worker");
    expect(worker.env_file).toBeUndefined();
    expect(worker.environment).toEqual({
      IMMICH_URL: "http://immich-server:2283/api",
      IMMICH_API_KEY: "${IMMICH_API_KEY:-}",
      IMMICH_API_KEY_TWOFLOWER: ref("IMMICH_API_KEY_TWOFLOWER"),
    });
    expect(worker.networks).toEqual(["backend"]);
    expect(file.volumes).toHaveProperty("worker-state");
    expect(truenas().services).not.toHaveProperty("immich-worker");
    expect(truenas().volumes).toBeUndefined();
  });

  test("the worker runs least-privileged: no capabilities, no new privileges, a read-only root with a small /tmp, a memory limit", () => {
    const worker = svc(family(), "immich-worker");
    expect(worker).toMatchObject({
      user: "1000:1000",
      cap_drop: ["ALL"],
      security_opt: ["no-new-privileges:true"],
      read_only: true,
      tmpfs: ["/tmp:size=64m"],
      deploy: { resources: { limits: { memory: "256m" }, reservations: { memory: "128m" } } },
    });
    expect(worker.cap_add).toBeUndefined();
    // Writable: only the state volume (and the tmpfs); the spec copy and the libraries are read-only binds.
    expect(worker.volumes?.filter((v) => !v.endsWith(":ro"))).toEqual(["worker-state:/state"]);
  });

  test("the worker's healthcheck asks /readyz, so a wrong URL or a rejected key is not healthy", () => {
    const worker = svc(family(), "immich-worker");
    expect(worker.healthcheck?.test).toEqual([
      "CMD",
      "node",
      "-e",
      "fetch('http://127.0.0.1:9464/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))",
    ]);
  });
});

describe("each service gets only its own secrets", () => {
  /** The service of each reader `secretKeys` names. */
  const SERVICE_OF: Record<string, string> = {
    "config-init": "immich-init",
    "immich-server": "immich-server",
    postgres: "immich-db",
    redis: "immich-redis",
    worker: "immich-worker",
    "db-backup": "immich-db-backup",
    "metrics-exporter": "immich-db-exporter",
  };
  const keysIn = (values: readonly string[]) => new Set(values.flatMap((v) => [...v.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1] ?? "")));

  test.each(["family.yaml", "truenas.yaml"])(
    "%s: every service's environment references exactly the keys secretKeys gives its reader, and no service has env_file",
    (name) => {
      const spec = exampleSpec(name);
      const file = buildComposeFile(spec);
      for (const [service, def] of Object.entries(file.services)) {
        const expected = secretKeys(spec, "compose")
          .filter((k) => k.readers.some((r) => SERVICE_OF[r] === service))
          .map((k) => k.key)
          .sort();
        expect([...keysIn(Object.values(def.environment ?? {}))].sort(), service).toEqual(expected);
        expect(def.env_file, service).toBeUndefined();
      }
    },
  );

  test.each(["family.yaml", "truenas.yaml"])("%s: no secret key is on any command line, entrypoint or healthcheck", (name) => {
    const spec = exampleSpec(name);
    const keys = secretKeys(spec, "compose").map((k) => k.key);
    expect(keys.length).toBeGreaterThan(2);
    for (const [service, def] of Object.entries(buildComposeFile(spec).services)) {
      const argv = [...(def.entrypoint ?? []), ...(def.command ?? []), ...(def.healthcheck?.test ?? [])].join("\n");
      for (const key of keys) expect(argv, `${service} ${key}`).not.toContain(key);
      // No Compose interpolation at all: `${…}` there would put a value on the command line.
      expect(argv, service).not.toMatch(/(^|[^$])\$\{?[A-Za-z_]/);
    }
  });
});

describe("machine-learning resources", () => {
  test("requests become reservations and limits stay limits, in Compose units", () => {
    const file = compose("truenas.yaml", (d) => {
      d.machineLearning = { resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "3500M" } } };
    });
    expect(svc(file, "immich-machine-learning").deploy).toEqual({
      resources: { limits: { cpus: 2, memory: "3500000000" }, reservations: { cpus: 0.5, memory: "1g" } },
    });
  });

  test("keep the GPU reservation of cuda beside the memory reservation", () => {
    const file = compose("truenas.yaml", (d) => {
      d.machineLearning = { acceleration: "cuda", resources: { requests: { memory: "512Mi" } } };
    });
    expect(svc(file, "immich-machine-learning").deploy).toEqual({
      resources: { reservations: { memory: "512m", devices: [{ driver: "nvidia", count: 1, capabilities: ["gpu"] }] } },
    });
  });

  test("without resources in the spec, no deploy key", () => {
    expect(svc(truenas(), "immich-machine-learning").deploy).toBeUndefined();
  });
});

describe("backup failure mails", () => {
  const withMail = (email: Record<string, unknown>) =>
    compose("truenas.yaml", (d) => {
      d.targets.compose.backup.notify = { email };
    });

  test("set db-backup's notification and SMTP settings, with the password only as a secret reference", () => {
    const file = withMail({
      from: "backup@example.org",
      to: ["ann@example.org", "bob@example.org"],
      smtp: { host: "smtp.example.org", user: "backup@example.org", password: "${SMTP_PASSWORD}" },
    });
    const backup = svc(file, "immich-db-backup");
    expect(backup.environment).toMatchObject({
      CONTAINER_ENABLE_MESSAGING: "TRUE",
      ENABLE_NOTIFICATIONS: "TRUE",
      NOTIFICATION_TYPE: "EMAIL",
      MAIL_FROM: "backup@example.org",
      MAIL_TO: "ann@example.org,bob@example.org",
      SMTP_HOST: "smtp.example.org",
      SMTP_PORT: "587",
      SMTP_TLS: "TRUE",
      SMTP_STARTTLS: "TRUE",
      SMTP_TLSCERTCHECK: "TRUE",
      SMTP_AUTHENTICATION: "on",
      SMTP_USER: "backup@example.org",
      SMTP_PASS: ref("SMTP_PASSWORD"),
    });
    // The SMTP server is outside: the backup leaves the internal network through egress.
    expect(backup.networks).toEqual(["backend", "egress"]);
    expect(file.networks.egress).toEqual({ name: "immich-egress" });
  });

  test("a secret user name, TLS on 465, and the secrets listed for db-backup only", () => {
    const spec = specWith("truenas.yaml", (d) => {
      d.targets.compose.backup.notify = {
        email: {
          from: "b@example.org",
          to: ["a@example.org"],
          smtp: { host: "mail", port: 465, security: "tls", user: "${SMTP_USER}", password: "${SMTP_PASS}" },
        },
      };
    });
    const env = svc(buildComposeFile(spec), "immich-db-backup").environment;
    expect(env).toMatchObject({ SMTP_PORT: "465", SMTP_TLS: "TRUE", SMTP_STARTTLS: "FALSE", SMTP_USER: ref("SMTP_USER"), SMTP_PASS: ref("SMTP_PASS") });
    const keys = secretKeys(spec, "compose").filter((k) => k.key.startsWith("SMTP_"));
    expect(keys.map((k) => [k.key, k.readers])).toEqual([
      ["SMTP_USER", ["db-backup"]],
      ["SMTP_PASS", ["db-backup"]],
    ]);
  });

  test("a relay without login gets no credentials; without notify, nothing is mailed", () => {
    const env =
      svc(withMail({ from: "b@example.org", to: ["a@example.org"], smtp: { host: "postfix-relay", port: 25, security: "none" } }), "immich-db-backup")
        .environment ?? {};
    expect(env).toMatchObject({ SMTP_TLS: "FALSE", SMTP_STARTTLS: "FALSE", SMTP_TLSCERTCHECK: "FALSE" });
    expect(Object.keys(env).filter((k) => /SMTP_(USER|PASS|AUTH)/.test(k))).toEqual([]);
    const plain = svc(truenas(), "immich-db-backup");
    expect(Object.keys(plain.environment ?? {}).filter((k) => /NOTIFICATION|SMTP|MAIL/.test(k))).toEqual([]);
    expect(plain.networks).toEqual(["backend"]);
  });
});
