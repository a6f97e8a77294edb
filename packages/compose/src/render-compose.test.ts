import { readdirSync } from "node:fs";
import { IMMICH_CONFIG_TEMPLATE, type ImmichFamilySpec, parseSpec, type RenderedFile, secretKeys } from "@family/immich-spec";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { composeSchemaErrors, exampleFiles, exampleSpec, specWith } from "../test/helpers.js";
import { checkComposeReferences } from "./check-references.js";
import { ffmpegAccel } from "./hwaccel.js";
import { renderCompose } from "./render-compose.js";
import { COMPOSE_FILES, COMPOSE_FORMER_FILES, isComposeFile } from "./_context.js";

const composeExamples = exampleFiles().filter((n) => exampleSpec(n).targets.compose !== undefined);

function file(files: readonly RenderedFile[], path: string): string {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${path} among ${files.map((x) => x.path).join(", ")}`);
  return f.content;
}

type Doc = { services: Record<string, { image: string; environment?: Record<string, string> }> };
const composeDoc = (files: readonly RenderedFile[]) => parse(file(files, "compose.yaml")) as Doc;

test("there are examples with a compose target", () => {
  expect(composeExamples).toEqual(expect.arrayContaining(["family.yaml", "truenas.yaml"]));
});

describe.each(composeExamples)("examples/%s", (name) => {
  const spec = exampleSpec(name);
  const files = renderCompose(spec);

  test("compose.yaml is valid against the compose-spec schema", () => {
    expect(composeSchemaErrors(composeDoc(files))).toEqual([]);
  });

  test("every internal reference resolves", () => {
    expect(checkComposeReferences(composeDoc(files))).toEqual([]);
  });

  test("every image is pinned to a version tag", () => {
    for (const [svc, s] of Object.entries(composeDoc(files).services)) {
      expect(s.image, svc).toMatch(/^[a-z0-9./-]+:v?[0-9][^:@]*$/);
    }
  });

  test("the folder holds the template, .env.example and the README beside compose.yaml", () => {
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(["compose.yaml", IMMICH_CONFIG_TEMPLATE, ".env.example", "README.md"]));
    expect(new Set(files.map((f) => f.path)).size).toBe(files.length);
  });

  test(".env.example lists every secret key, with a comment and no value", () => {
    const lines = file(files, ".env.example").split("\n");
    const assignments = lines.filter((l) => l.includes("=") && !l.startsWith("#"));
    expect(assignments).toEqual(secretKeys(spec, "compose").map((k) => `${k.key}=`));
    for (const a of assignments) expect(lines[lines.indexOf(a) - 1]).toMatch(/^# \S/);
  });

  test("every key compose.yaml references is a key of the env file", () => {
    const keys = new Set(secretKeys(spec, "compose").map((k) => k.key));
    const used = [...file(files, "compose.yaml").matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(0);
    for (const key of used) expect(keys.has(key ?? "")).toBe(true);
  });

  test("the config template's ffmpeg.accel matches the transcoding devices", () => {
    const config = parse(file(files, IMMICH_CONFIG_TEMPLATE)) as { ffmpeg?: { accel?: string } };
    expect(config.ffmpeg?.accel).toBe(ffmpegAccel(spec.targets.compose?.hwaccel ?? "cpu"));
  });
});

describe("secrets", () => {
  test("no secret value reaches any rendered file, only references and env_file", () => {
    const spec = exampleSpec("family.yaml");
    // Dummy values as the env file would hold them: the renderer must never see or print them.
    const dummies = secretKeys(spec, "compose").map((k, i) => [k.key, `dummy-secret-${i}-Zq9`] as const);
    const saved = { ...process.env };
    try {
      for (const [key, value] of dummies) process.env[key] = value;
      const files = renderCompose(spec);
      for (const f of files) for (const [, value] of dummies) expect(f.content, f.path).not.toContain(value);
      const doc = composeDoc(files);
      for (const [name, svc] of Object.entries(doc.services)) {
        for (const [k, v] of Object.entries(svc.environment ?? {})) {
          // The worker's own key may be left empty: the worker then bootstraps one and keeps it in its state volume.
          const optional = name === "immich-worker" && k === spec.worker.apiKey.key;
          // The drill's auth method names a method ("trust", inside a container without a network), not a secret.
          if (/PASS|PASSWORD|PASSPHRASE|SECRET|AUTH|API_KEY/.test(k) && k !== "POSTGRES_HOST_AUTH_METHOD")
            expect(v, `${name}.${k}`).toMatch(optional ? /^\$\{[A-Z_][A-Z0-9_]*:-\}$/ : /^\$\{[A-Z_][A-Z0-9_]*:\?[^}]*\}$/);
        }
      }
    } finally {
      process.env = saved;
    }
  });
});

test("ML resources and backup failure mails render a compose.yaml the compose-spec schema accepts, whose references resolve", () => {
  const files = renderCompose(
    specWith("truenas.yaml", (d) => {
      d.machineLearning = { acceleration: "cuda", resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "4Gi" } } };
      d.targets.compose.backup.notify = {
        email: { from: "b@example.org", to: ["a@example.org"], smtp: { host: "smtp.example.org", user: "b@example.org", password: "${SMTP_PASSWORD}" } },
      };
    }),
  );
  expect(composeSchemaErrors(composeDoc(files))).toEqual([]);
  expect(checkComposeReferences(composeDoc(files))).toEqual([]);
  expect(file(files, ".env.example")).toContain("SMTP_PASSWORD=");
});

describe("ffmpeg.accel follows hwaccel", () => {
  test.each([
    ["cpu", "disabled"],
    ["nvenc", "nvenc"],
    ["quicksync", "qsv"],
    ["rkmpp", "rkmpp"],
    ["vaapi", "vaapi"],
  ])("%s → %s, in the config template and in compose.yaml", (hwaccel, accel) => {
    const files = renderCompose(
      specWith("truenas.yaml", (d) => {
        d.targets.compose.hwaccel = hwaccel;
      }),
    );
    expect((parse(file(files, IMMICH_CONFIG_TEMPLATE)) as { ffmpeg: { accel: string } }).ffmpeg.accel).toBe(accel);
    expect(composeSchemaErrors(composeDoc(files))).toEqual([]);
  });
});

describe("the spec copy for the worker", () => {
  test("is a valid spec equal to the one rendered, with references, not values", () => {
    const spec = exampleSpec("family.yaml");
    const copy = file(renderCompose(spec), "worker-spec.yaml");
    const reparsed = parseSpec(copy, "worker-spec.yaml");
    expect(reparsed.ok).toBe(true);
    expect((reparsed as { value: ImmichFamilySpec }).value).toEqual(spec);
    expect(copy).toContain(`\${IMMICH_API_KEY_TWOFLOWER}`);
  });

  test("is left out when the worker is off", () => {
    expect(renderCompose(exampleSpec("truenas.yaml")).map((f) => f.path)).not.toContain("worker-spec.yaml");
  });
});

describe("the README for the person deploying", () => {
  test("carries seed 002's host setup from the spec", () => {
    const readme = file(renderCompose(exampleSpec("truenas.yaml")), "README.md");
    expect(readme).toContain("GID 3202");
    expect(readme).toContain("UID 3106");
    expect(readme).toContain("mode 770");
    expect(readme).toContain("DAC_OVERRIDE");
    expect(readme).toContain("readTimeout: 600s");
    expect(readme).toContain("idleTimeout: 600s");
    expect(readme).toContain("the Traefik router `immich-admin-sign-up` refuses that path");
    expect(readme).toContain("They need Traefik v3: the router `immich-admin-sign-up` uses `PathRegexp` and an `ipAllowList`");
    expect(readme).toContain(
      `docker compose exec -T immich-server node -e 'fetch("http://127.0.0.1:2283/api/auth/admin-sign-up",{method:"POST",headers:{"content-type":"application/json"},body:require("fs").readFileSync(0,"utf8")}).then(async(r)=>console.log(r.status,await r.text()))' < first-admin.json`,
    );
    expect(readme).toContain("docker compose run --rm --no-deps immich-db-backup");
  });
});

describe("the README's sections follow the spec", () => {
  const readme = (mutate: Parameters<typeof specWith>[1]) => file(renderCompose(specWith("family.yaml", mutate)), "README.md");
  const sections = (text: string) => text.split("\n").filter((line) => line.startsWith("## "));

  test("without backups, metrics or Traefik: no backup, metrics or Traefik section; the drill restores what is left", () => {
    const bare = readme((d) => {
      d.targets.compose.backup = { enabled: false };
      d.targets.compose.metricsExporter = { enabled: false };
      delete d.targets.compose.traefik;
    });
    expect(sections(bare)).toEqual(["## Host setup (once)", "## Secrets", "## First start", "## Restore drill: is the backup any good?"]);
    expect(bare).toContain("Without Traefik in the spec, the server publishes port 2283 on the host");
    expect(bare).toContain("`immich-family backup verify` restores a backup you name with --file into `immich-backup-drill`");
    const superuser = readme((d) => {
      d.targets.compose.backup = { enabled: false };
      d.database.superuser = true;
    });
    expect(superuser).toContain("restores Immich's own newest backup in `/srv/immich/media/backups` into");
  });

  test("the transcoding note only for a device, the plain-owner note only without SUPERUSER, the mail line only with notify", () => {
    const family = readme(() => undefined);
    expect(family).toContain("Hardware transcoding is `vaapi`. The server runs as `1000:1000`");
    expect(family).toContain("The spec keeps the database role a plain owner (`database.superuser: false`).");
    expect(family).not.toContain("A failed backup mails");
    const changed = readme((d) => {
      d.targets.compose.hwaccel = "cpu";
      d.database.superuser = true;
      d.targets.compose.backup = { notify: { email: { from: "backup@x.org", to: ["a@x.org", "b@x.org"], smtp: { host: "smtp.x.org" } } } };
    });
    expect(changed).not.toContain("Hardware transcoding is");
    expect(changed).not.toContain("a plain owner");
    expect(changed).toContain(
      "A failed backup mails a@x.org, b@x.org from backup@x.org through smtp.x.org:587; the backup joins the egress network only for that.",
    );
  });
});

test("rendering is deterministic", () => {
  const spec = exampleSpec("family.yaml");
  expect(renderCompose(spec)).toEqual(renderCompose(structuredClone(spec)));
});

describe.each(["truenas", "family"])("golden files of examples/%s.yaml", (name) => {
  const files = renderCompose(exampleSpec(`${name}.yaml`), { toolVersion: "0.0.0-golden" });
  test("the golden folder holds exactly the rendered files", () => {
    expect(readdirSync(new URL(`../test/golden/${name}/`, import.meta.url)).sort()).toEqual(files.map((f) => f.path).sort());
  });
  test.each(files.map((f) => [f.path, f.content] as const))("%s", async (path, content) => {
    await expect(content).toMatchFileSnapshot(`../test/golden/${name}/${path}`);
  });
});

describe("the files the Compose renderer can write", () => {
  test.each(composeExamples)("hold every file rendered from examples/%s, the worker's spec copy named for what it is", (name) => {
    const paths = renderCompose(exampleSpec(name)).map((f) => f.path);
    expect(paths.filter((p) => !isComposeFile(p))).toEqual([]);
    expect(paths.includes(COMPOSE_FILES.workerSpec)).toBe(exampleSpec(name).worker.enabled);
    expect(paths).not.toContain("immich-family.yaml");
  });

  test("are nothing else: never the user's spec (the name earlier releases gave the copy), secrets or data", () => {
    for (const path of [
      ...COMPOSE_FORMER_FILES,
      "immich-family.yaml",
      ".env",
      "secrets.env",
      "data/db/PG_VERSION",
      "docker-compose.yml",
      "../compose.yaml",
      "constructor",
    ])
      expect({ path, can: isComposeFile(path) }).toEqual({ path, can: false });
  });

  test("the worker mounts the copy by its name", () => {
    const doc = parse(file(renderCompose(exampleSpec("family")), "compose.yaml")) as { services: Record<string, { volumes?: string[] }> };
    expect(doc.services["immich-worker"]?.volumes).toContain("./worker-spec.yaml:/etc/immich-family/worker-spec.yaml:ro");
  });
});
