import { createFakeImmich, type FakeImmich } from "@family/fake-immich";
import {
  type ConfigObject,
  fillTemplate,
  type ImmichFamilySpec,
  immichConfigDefaults,
  immichLine,
  libraryImportPaths,
  libraryName,
  mergeConfig,
  oauthIssuerUrl,
  parseSpec,
  quantityToBytes,
  renderImmichConfigTemplate,
  type Target,
  templateKeys,
} from "@family/immich-spec";
import { createLibrary, createUserAdmin, updateConfig } from "@immich/sdk";
import { parse } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import { exampleFiles, exampleSpec } from "../../test/helpers.js";
import { runImport } from "../commands/import.js";
import { CONFIG_SECRETS } from "./server.js";

let fake: FakeImmich | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const targetOf = (spec: ImmichFamilySpec): Target => (spec.targets.kubernetes ? "kubernetes" : "compose");

/** The config file of `spec` for its first target, filled from `env`, as Immich stores it: merged over the line's defaults. */
function storedConfig(spec: ImmichFamilySpec, env: (key: string) => string): ConfigObject {
  const template = renderImmichConfigTemplate(spec, targetOf(spec));
  const filled = fillTemplate(template, Object.fromEntries(templateKeys(template).map((k) => [k, env(k)])));
  if (!filled.ok) throw new Error(`unfilled ${filled.missing.join(", ")}`);
  return mergeConfig(immichConfigDefaults(immichLine(spec)), parse(filled.text) as ConfigObject);
}

/** A fake at the spec's version, configured as the spec says through the admin API; returns an admin key. */
async function fakeFrom(spec: ImmichFamilySpec): Promise<{ url: string; apiKey: string; config: ConfigObject }> {
  fake = await createFakeImmich({ version: spec.immich.version as `v${number}.${number}.${number}` });
  const members = Object.entries(spec.members);
  const [firstHandle, first] = members.find(([, m]) => m.admin) ?? (members[0] as [string, ImmichFamilySpec["members"][string]]);
  const admin = fake.addUser({ email: first.email, name: first.name, isAdmin: true, quotaSizeInBytes: first.quota ? quantityToBytes(first.quota) : null });
  const apiKey = fake.addApiKey(admin);
  const opts = { baseUrl: fake.url, headers: { "x-api-key": apiKey } };
  const ids = new Map([[firstHandle, admin.id]]);
  for (const [handle, m] of members) {
    if (handle === firstHandle) continue;
    const u = await createUserAdmin(
      {
        userAdminCreateDto: {
          email: m.email,
          name: m.name,
          password: "pw",
          isAdmin: m.admin,
          ...(m.quota ? { quotaSizeInBytes: quantityToBytes(m.quota) } : {}),
        },
      },
      opts,
    );
    ids.set(handle, u.id);
  }
  for (const [handle, lib] of Object.entries(spec.libraries)) {
    await createLibrary(
      {
        createLibraryDto: {
          ownerId: ids.get(lib.owner) as string,
          name: libraryName(handle, lib),
          importPaths: libraryImportPaths(lib),
          exclusionPatterns: lib.exclusionPatterns,
        },
      },
      opts,
    );
  }
  const config = storedConfig(spec, (k) => `secret-value-of-${k}`);
  await updateConfig({ adminConfigDto: config as never }, opts);
  return { url: fake.url, apiKey, config };
}

/** The keys an imported spec names, filled with what the server holds at each secret's place. */
function serverSecrets(config: ConfigObject) {
  const values = new Map<string, string>();
  for (const { path, key } of CONFIG_SECRETS) {
    const v = path.reduce<unknown>((n, k) => (n as Record<string, unknown> | undefined)?.[k], config);
    if (typeof v === "string") values.set(key, v);
  }
  return (key: string) => values.get(key) ?? `missing-${key}`;
}

/** The facts a server holds about a spec, in a comparable shape. */
function serverView(spec: ImmichFamilySpec) {
  const oauth = spec.auth.oauth;
  return {
    version: spec.immich.version,
    web: spec.hosts.web,
    passwordLogin: spec.auth.passwordLogin,
    oauth: oauth && {
      issuer: oauthIssuerUrl(oauth),
      autoRegister: oauth.autoRegister,
      autoLaunch: oauth.autoLaunch,
      buttonText: oauth.buttonText,
      roleClaim: oauth.roleClaim,
      scope: oauth.scope,
    },
    machineLearning: spec.machineLearning.enabled,
    members: Object.values(spec.members)
      .map((m) => ({ name: m.name, email: m.email, admin: m.admin, quota: m.quota ? quantityToBytes(m.quota) : null }))
      .sort((a, b) => a.email.localeCompare(b.email)),
    libraries: Object.entries(spec.libraries)
      .map(([h, l]) => ({
        name: libraryName(h, l),
        owner: spec.members[l.owner]?.email,
        importPaths: libraryImportPaths(l),
        exclusionPatterns: l.exclusionPatterns,
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

describe("round trip through the fake server: configure from a spec, import, an equivalent spec", () => {
  it.each(exampleFiles())("examples/%s", async (name) => {
    const spec = exampleSpec(name);
    const server = await fakeFrom(spec);
    const { spec: imported } = await runImport({ server: server.url, apiKey: server.apiKey });
    expect(serverView(imported)).toEqual(serverView(spec));
    // The imported spec's config file gives back exactly what the server stores.
    expect(storedConfig(imported, serverSecrets(server.config))).toEqual(server.config);
  });
});

describe("import from a server and its Compose folder together", () => {
  it("takes the members and settings from the server and the paths and names from the folder", async () => {
    const truenas = exampleSpec("truenas");
    const server = await fakeFrom(truenas);
    const folder = new URL("../../test/fixtures/adopt/truenas-compose/", import.meta.url).pathname;
    const { spec, unmapped } = await runImport({ server: server.url, apiKey: server.apiKey, compose: folder });
    expect(serverView(spec)).toEqual(serverView(truenas));
    expect(spec.targets.compose).toMatchObject({
      user: { uid: 3106, gid: 3202 },
      hwaccel: "quicksync",
      paths: { media: "/mnt/archive-pool/private/photos/immich" },
    });
    expect(spec.database.password.key).toBe("IMMICH_DB_PASSWORD");
    expect(storedConfig(spec, serverSecrets(server.config))).toEqual(server.config);
    // The folder's config file is not reported as unmapped: the server's settings were imported.
    expect(unmapped).toEqual([]);
  });
});

describe("import of a server whose settings were changed in the web UI", () => {
  it.each(["v2.7.5", "v3.1.0"] as const)("%s: every changed setting comes back from the rendered config; secrets stay out of the spec", async (version) => {
    fake = await createFakeImmich({ version });
    const admin = fake.addUser({ email: "ann@smith.family", name: "Ann", isAdmin: true });
    const apiKey = fake.addApiKey(admin);
    const changed = mergeConfig(immichConfigDefaults(immichLine({ immich: { version } })), {
      newVersionCheck: { enabled: false },
      reverseGeocoding: { enabled: false },
      map: { darkStyle: "https://tiles.example.com/dark.json" },
      trash: { enabled: true, days: 90 },
      user: { deleteDelay: 3 },
      server: { externalDomain: "https://photos.smith.family", loginPageMessage: "Smiths only", publicUsers: false },
      templates: { email: { welcomeTemplate: "Hi {{name}}" } },
      job: { thumbnailGeneration: { concurrency: 1 } },
      ffmpeg: { crf: 30, accel: "vaapi" },
      library: { watch: { enabled: true } },
      machineLearning: { urls: ["http://gpu-box:3003"] },
      passwordLogin: { enabled: false },
      oauth: {
        enabled: true,
        issuerUrl: "https://auth.smith.family/application/o/immich/",
        clientId: "immich",
        clientSecret: "s3cret-oauth",
        autoLaunch: true,
        buttonText: "Family login",
      },
      notifications: {
        smtp: { enabled: true, from: "photos@smith.family", transport: { host: "smtp.smith.family", username: "photos", password: "hunter2-smtp" } },
      },
    });
    fake.state.config = changed;
    const { spec, text, secrets } = await runImport({ server: fake.url, apiKey });
    expect(spec.immich).toMatchObject({
      versionCheck: false,
      reverseGeocoding: false,
      map: { darkStyle: "https://tiles.example.com/dark.json" },
      trashDays: 90,
      userDeleteDelay: 3,
      loginPageMessage: "Smiths only",
      templates: { welcome: "Hi {{name}}" },
      jobs: { thumbnailGeneration: 1 },
      config: { ffmpeg: { crf: 30, accel: "vaapi" }, library: { watch: { enabled: true } }, server: { publicUsers: false } },
    });
    expect(spec.auth).toMatchObject({
      passwordLogin: false,
      oauth: { preset: "generic", autoLaunch: true, buttonText: "Family login", clientSecret: { key: "IMMICH_OAUTH_CLIENT_SECRET" } },
    });
    expect(text).not.toContain("s3cret-oauth");
    expect(text).not.toContain("hunter2-smtp");
    expect(secrets.map((s) => s.key)).toEqual(expect.arrayContaining(["IMMICH_OAUTH_CLIENT_SECRET", "IMMICH_SMTP_PASSWORD"]));
    expect(parseSpec(text).ok).toBe(true);
    expect(storedConfig(spec, serverSecrets(changed))).toEqual(changed);
  });
});
