import { describe, expect, it } from "vitest";
import { immichLine } from "../derive.js";
import type { Target } from "../secrets.js";
import { configValidator, exampleSpec, exampleText, parseYaml, specFromInput, specFromText } from "../../test/helpers.js";
import { fillTemplate, templateKeys } from "./fill-template.js";
import { renderImmichConfigTemplate } from "./render.js";
import { machineLearningUrl } from "./machine-learning-url.js";
import type { ImmichFamilySpec } from "../schema/spec.js";

const validators = { 2: configValidator(2), 3: configValidator(3) };

/** Render, fill every placeholder with a dummy value, parse back. */
function renderFilled(spec: ImmichFamilySpec, target: Target) {
  const template = renderImmichConfigTemplate(spec, target);
  const env = Object.fromEntries(templateKeys(template).map((k) => [k, `dummy-${k.toLowerCase()}`]));
  const filled = fillTemplate(template, env);
  if (!filled.ok) throw new Error(`unfilled: ${filled.missing.join(", ")}`);
  return { template, config: parseYaml(filled.text) };
}

function targetsOf(spec: ImmichFamilySpec): Target[] {
  return (["kubernetes", "compose"] as const).filter((t) => spec.targets[t] !== undefined);
}

/** Every option on: both targets, generic OIDC with every field, an Immich-scanned library, hwaccel, no superuser. */
function everything(version: string): ImmichFamilySpec {
  return specFromInput({
    apiVersion: "immich-family.dev/v1alpha1",
    kind: "ImmichFamily",
    metadata: { name: "all" },
    immich: { version },
    hosts: { web: "photos.example.com", mobile: "m.photos.example.com" },
    auth: {
      passwordLogin: false,
      oauth: {
        preset: "generic",
        issuerUrl: "https://auth.example.com/application/o/immich/",
        clientId: "immich-client",
        clientSecret: `\${OIDC_SECRET}`,
        scope: "openid email profile groups",
        autoRegister: false,
        autoLaunch: true,
        mobileRedirect: true,
        buttonText: "Family login",
        roleClaim: "immich_role",
      },
    },
    storageTemplate: { enabled: true, template: "{{y}}/{{MM}}/{{#if album}}{{album}}{{else}}other{{/if}}/{{filename}}" },
    members: { ann: { name: "Ann", email: "ann@example.com", admin: true } },
    libraries: {
      nas: { owner: "ann", path: "/mnt/nas", rescan: { by: "immich", cron: "30 2 * * *" } },
      old: { owner: "ann", path: "/mnt/old", rescan: { by: "worker" } },
    },
    machineLearning: { enabled: true },
    database: { superuser: false },
    targets: {
      kubernetes: { namespace: "fam", libraries: { nas: { existingClaim: "nas" }, old: { existingClaim: "old" } } },
      compose: {
        user: { uid: 1000, gid: 1000 },
        paths: { media: "/srv/media" },
        libraries: { nas: { hostPath: "/srv/nas" }, old: { hostPath: "/srv/old" } },
        hwaccel: "nvenc",
      },
    },
  });
}

describe("rendered config validates against Immich's strict schema", () => {
  const cases: [string, ImmichFamilySpec][] = [];
  for (const name of ["family.yaml", "ponder.yaml", "truenas.yaml"]) {
    const text = exampleText(name);
    cases.push([name, specFromText(text)]);
    // The same example on the other major line.
    const other = /version: v2\./.test(text)
      ? text.replace(/version: v2\.\d+\.\d+/, "version: v3.1.0")
      : text.replace(/version: v3\.\d+\.\d+/, "version: v2.7.5");
    cases.push([`${name} (${other.includes("v3.1.0") ? "v3" : "v2"})`, specFromText(other)]);
  }
  cases.push(["every option, v2", everything("v2.7.5")], ["every option, v3", everything("v3.1.0")]);

  for (const [name, spec] of cases) {
    for (const target of targetsOf(spec)) {
      it(`${name} → ${target} (v${immichLine(spec).major} schema)`, () => {
        const { config } = renderFilled(spec, target);
        expect(validators[immichLine(spec).major](config)).toEqual([]);
      });
    }
  }

  it("the strict schemas reject what Immich rejects (guards the validator itself)", () => {
    expect(validators[3]({ machineLearning: { enabled: false, urls: [] } })).not.toEqual([]);
    expect(validators[3]({ oauth: { issuerUrl: "accounts.google.com" } })).not.toEqual([]);
    expect(validators[2]({ oauth: { enabled: true, issuerUrl: "" } })).not.toEqual([]);
    expect(validators[2]({ ffmpeg: { accel: "quicksync" } })).not.toEqual([]);
  });
});

describe("every option on", () => {
  it("renders exactly the keys the spec implies, per target", () => {
    const spec = everything("v3.1.0");
    const k8s = renderFilled(spec, "kubernetes").config;
    expect(k8s).toEqual({
      oauth: {
        enabled: true,
        issuerUrl: "https://auth.example.com/application/o/immich/",
        clientId: "immich-client",
        clientSecret: "dummy-oidc_secret",
        scope: "openid email profile groups",
        autoRegister: false,
        autoLaunch: true,
        mobileOverrideEnabled: true,
        mobileRedirectUri: "https://m.photos.example.com/api/oauth/mobile-redirect",
        buttonText: "Family login",
        roleClaim: "immich_role",
      },
      passwordLogin: { enabled: false },
      storageTemplate: { enabled: true, template: spec.storageTemplate?.template },
      server: { externalDomain: "https://photos.example.com" },
      library: { scan: { enabled: true, cronExpression: "30 2 * * *" }, watch: { enabled: false } },
      machineLearning: { enabled: true, urls: ["http://all-machine-learning.fam.svc:3003"] },
      ffmpeg: { accel: "disabled" },
      backup: { database: { enabled: false } },
    });
    const compose = renderFilled(spec, "compose").config;
    expect(compose.ffmpeg).toEqual({ accel: "nvenc" });
    expect(compose.machineLearning).toEqual({ enabled: true, urls: ["http://immich-machine-learning:3003"] });
  });

  it("maps every Compose hwaccel to Immich's ffmpeg.accel", () => {
    const base = everything("v2.7.5");
    const accel = (hwaccel: string) => {
      const spec = { ...base, targets: { compose: { ...base.targets.compose, hwaccel } } } as ImmichFamilySpec;
      return renderFilled(spec, "compose").config.ffmpeg;
    };
    expect(["cpu", "nvenc", "quicksync", "vaapi", "rkmpp"].map(accel)).toEqual([
      { accel: "disabled" },
      { accel: "nvenc" },
      { accel: "qsv" },
      { accel: "vaapi" },
      { accel: "rkmpp" },
    ]);
  });

  it("refuses a literal value that the init step would take for a placeholder", () => {
    const spec = everything("v2.7.5");
    const oauth = { ...spec.auth.oauth, buttonText: "Login with $" + "{PROVIDER}" } as NonNullable<ImmichFamilySpec["auth"]["oauth"]>;
    expect(() => renderImmichConfigTemplate({ ...spec, auth: { ...spec.auth, oauth } }, "compose")).toThrow(
      /PROVIDER\}, which the config init step would take/,
    );
  });

  it("keeps secrets as placeholders in the template", () => {
    const { template } = renderFilled(everything("v2.7.5"), "compose");
    expect(template).toContain(`\${OIDC_SECRET}`);
    expect(templateKeys(template)).toEqual(["OIDC_SECRET"]);
  });
});

describe("spec choices", () => {
  it("turns Immich's scan off when every library is rescanned by the worker, and leaves watch off (NFS)", () => {
    const { config } = renderFilled(exampleSpec("ponder.yaml"), "kubernetes");
    expect(config.library).toEqual({ scan: { enabled: false }, watch: { enabled: false } });
  });

  it("turns ML off without a URL (v3 rejects an empty url list), and leaves backups alone with a superuser", () => {
    const spec = exampleSpec("ponder.yaml");
    const off = { ...spec, machineLearning: { ...spec.machineLearning, enabled: false } };
    const { config } = renderFilled(off, "kubernetes");
    expect(config.machineLearning).toEqual({ enabled: false });
    expect(config.backup).toBeUndefined();
    expect(validators[2](config)).toEqual([]);
    const v3 = renderFilled({ ...off, immich: { ...off.immich, version: "v3.1.0" } }, "kubernetes").config;
    expect(validators[3](v3)).toEqual([]);
  });

  it("turns Immich's database backup off without a superuser", () => {
    expect(renderFilled(exampleSpec("family.yaml"), "compose").config.backup).toEqual({ database: { enabled: false } });
  });

  it("allows an http issuer on v3 only by saying so (v3 refuses plain http by default)", () => {
    const spec = everything("v3.1.0");
    const oauth = { ...spec.auth.oauth, issuerUrl: "http://auth.lan/realms/x" } as NonNullable<ImmichFamilySpec["auth"]["oauth"]>;
    const v3 = renderFilled({ ...spec, auth: { ...spec.auth, oauth } }, "compose").config;
    expect((v3.oauth as Record<string, unknown>).allowInsecureRequests).toBe(true);
    const v2 = renderFilled({ ...spec, immich: { ...spec.immich, version: "v2.7.5" }, auth: { ...spec.auth, oauth } }, "compose").config;
    expect(v2.oauth).not.toHaveProperty("allowInsecureRequests");
    expect(validators[2](v2)).toEqual([]);
  });

  it("points ML at the per-target service name", () => {
    const spec = exampleSpec("family.yaml");
    expect(machineLearningUrl(spec, "kubernetes")).toBe("http://rincewind-machine-learning.photos.svc:3003");
    expect(machineLearningUrl(spec, "compose")).toBe("http://immich-machine-learning:3003");
  });
});

describe("OAuth presets match the seeds' write-ups", () => {
  it("seed 000 (Google, ponder.yaml): issuer, auto-register, auto-launch, mobile relay, password fallback", () => {
    const { template, config } = renderFilled(exampleSpec("ponder.yaml"), "kubernetes");
    expect(config.oauth).toMatchObject({
      enabled: true,
      issuerUrl: "https://accounts.google.com",
      autoRegister: true,
      autoLaunch: true,
      mobileOverrideEnabled: true,
      mobileRedirectUri: "https://immich.uu.am/api/oauth/mobile-redirect",
      scope: "openid email profile",
    });
    expect(config.passwordLogin).toEqual({ enabled: true });
    expect(templateKeys(template)).toEqual(["IMMICH_OAUTH_CLIENT_ID", "IMMICH_OAUTH_CLIENT_SECRET"]);
  });

  it("seed 002 (Entra, truenas.yaml): issuer, auto-launch, relay on the mobile host, password login off, storage template, domain", () => {
    const { config } = renderFilled(exampleSpec("truenas.yaml"), "compose");
    expect(config.oauth).toMatchObject({
      enabled: true,
      issuerUrl: "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",
      autoRegister: true,
      autoLaunch: true,
      mobileOverrideEnabled: true,
      mobileRedirectUri: "https://photos-mobile.example.org/api/oauth/mobile-redirect",
    });
    expect(config.oauth).not.toHaveProperty("roleClaim");
    expect(config.passwordLogin).toEqual({ enabled: false });
    expect(config.storageTemplate).toEqual({ enabled: true, template: "{{y}}/{{MM}}/{{filename}}" });
    expect(config.server).toEqual({ externalDomain: "https://photos.example.org" });
    expect(config.ffmpeg).toEqual({ accel: "qsv" });
  });

  it("entra derives the issuer from the tenant id", () => {
    const spec = exampleSpec("truenas.yaml");
    const oauth = { ...spec.auth.oauth, issuerUrl: undefined, tenantId: "tid-1" } as unknown as NonNullable<ImmichFamilySpec["auth"]["oauth"]>;
    const { config } = renderFilled({ ...spec, auth: { ...spec.auth, oauth } }, "compose");
    expect((config.oauth as Record<string, unknown>).issuerUrl).toBe("https://login.microsoftonline.com/tid-1/v2.0");
  });

  it("a literal client id is written as is, a string even when it looks like a number", () => {
    const spec = exampleSpec("family.yaml");
    const oauth = { ...spec.auth.oauth, clientId: { value: "12345" } } as NonNullable<ImmichFamilySpec["auth"]["oauth"]>;
    const { config } = renderFilled({ ...spec, auth: { ...spec.auth, oauth } }, "kubernetes");
    expect((config.oauth as Record<string, unknown>).clientId).toBe("12345");
  });
});
