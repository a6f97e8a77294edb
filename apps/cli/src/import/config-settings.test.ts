import {
  buildImmichConfig,
  CONFIG_SETTINGS,
  type ConfigObject,
  type ConfigSetting,
  configReader,
  immichConfigDefaults,
  immichLine,
  isPlainObject,
  mergeConfig,
  readConfigSettings,
} from "@family/immich-spec";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { exampleSpec, exampleText } from "../../test/helpers.js";
import { configDifference } from "./server.js";

const text = fc.stringMatching(/^[A-Za-z0-9 .,!?'-]{0,40}$/);
const url = fc.constantFrom(
  "https://tiles.example.org/light.json",
  "https://maps.example.net/style/dark.json",
  "https://tiles.immich.cloud/v1/style/light.json",
);
const queues = ["thumbnailGeneration", "metadataExtraction", "videoConversion", "smartSearch", "faceDetection", "library"];

/**
 * A value the spec accepts for each setting of the config-key table, by the dotted spec path it is set at
 * (a composite setting's may lie under its entry's field): a new entry without one fails below.
 */
const VALUES: Record<string, fc.Arbitrary<unknown>> = {
  "auth.oauth.issuerUrl": fc.constantFrom("https://accounts.google.com", "https://id.example.org/realms/family", "http://id.home.lan/realms/family"),
  "auth.oauth.scope": fc.constantFrom("openid email profile", "openid email"),
  "auth.oauth.autoLaunch": fc.boolean(),
  "auth.oauth.mobileRedirect": fc.boolean(),
  "auth.oauth.buttonText": text.filter((t) => t !== ""),
  "hosts.mobile": fc.constantFrom("app.photos.rincewind.family", "m.example.org"),
  "auth.passwordLogin": fc.boolean(),
  storageTemplate: fc.record({
    enabled: fc.boolean(),
    template: fc.constantFrom("{{y}}/{{MM}}/{{filename}}", "{{y}}/{{y}}-{{MM}}-{{dd}}/{{filename}}", "{{album}}/{{filename}}"),
  }),
  "hosts.web": fc.constantFrom("photos.example.org", "immich.rincewind.family"),
  "libraries.family.rescan": fc.oneof(
    fc.record({ by: fc.constantFrom("worker", "none") }),
    fc.record({ by: fc.constant("immich"), cron: fc.constantFrom("0 0 * * *", "0 3 * * 0") }),
  ),
  "machineLearning.enabled": fc.boolean(),
  "targets.compose.hwaccel": fc.constantFrom("cpu", "nvenc", "quicksync", "rkmpp", "vaapi"),
  "database.superuser": fc.boolean(),
  "immich.versionCheck": fc.boolean(),
  "immich.reverseGeocoding": fc.boolean(),
  "immich.map.enabled": fc.boolean(),
  "immich.map.lightStyle": url,
  "immich.map.darkStyle": url,
  "immich.trashDays": fc.integer({ min: 0, max: 90 }),
  "immich.userDeleteDelay": fc.integer({ min: 1, max: 30 }),
  "immich.loginPageMessage": text,
  "immich.templates.welcome": text,
  "immich.templates.albumInvite": text,
  "immich.templates.albumUpdate": text,
  "immich.jobs": fc.dictionary(fc.constantFrom(...queues), fc.integer({ min: 1, max: 8 }), { minKeys: 1 }),
};

/**
 * The entries import does not read back, and the config keys they leave to `immich.config`: the hardware
 * is the new target's, the database role the database's; what the server had comes back through the passthrough.
 */
const NOT_IMPORTED: Record<string, readonly string[]> = { targets: ["ffmpeg"], "database.superuser": ["backup"] };

const dotted = (path: readonly string[]) => path.join(".");
const valueAt = (o: unknown, path: readonly string[]): unknown => path.reduce<unknown>((n, k) => (isPlainObject(n) ? n[k] : undefined), o);
const entryOf = (setAt: string): ConfigSetting | undefined => CONFIG_SETTINGS.find((s) => setAt === dotted(s.spec) || setAt.startsWith(`${dotted(s.spec)}.`));

/** Each leaf of a value read back (into mappings, not lists) with its dotted path: how import sets it into a draft that has the rest. */
function leavesOf(path: string, value: unknown): [string, unknown][] {
  return isPlainObject(value) ? Object.entries(value).flatMap(([k, v]) => leavesOf(`${path}.${k}`, v)) : [[path, value]];
}

/** The example spec with these settings, on a line. */
function specWithSettings(version: string, values: Record<string, unknown>, remove: readonly string[] = []) {
  return exampleSpec("family", { "immich.version": version, ...values }, remove);
}

/**
 * The spec import writes from what it read back: the example's members, libraries and targets (read from
 * elsewhere), and of the table's fields only those read back (a field left unset keeps Immich's default).
 */
function importedSpec(version: string, back: Record<string, unknown>) {
  const example: unknown = parse(exampleText("family"));
  const unset = CONFIG_SETTINGS.filter((s) => valueAt(example, s.spec) !== undefined)
    .map((s) => dotted(s.spec))
    .filter((p) => !(p in back) && !(p in NOT_IMPORTED) && p !== "libraries");
  return specWithSettings(version, Object.fromEntries(Object.entries(back).flatMap(([path, v]) => leavesOf(path, v))), unset);
}

/** The server's stored config (the rendered file merged over the line's defaults), and what import reads back from it through the table. */
function roundTrip(version: string, values: Record<string, unknown>) {
  const defaults = immichConfigDefaults(immichLine({ immich: { version } }));
  const spec = specWithSettings(version, values);
  const stored = mergeConfig(defaults, buildImmichConfig(spec, "compose") as ConfigObject);
  // The libraries import finds in the server's library list (by handle); secrets come back as placeholders.
  const draft = {
    get: (path: readonly string[]) => valueAt({ libraries: Object.fromEntries(Object.keys(spec.libraries).map((h) => [h, {}])) }, path),
    secret: (key: string) => `\${${key}}`,
  };
  const back = Object.fromEntries(readConfigSettings(configReader(stored, defaults), draft).map(([path, value]) => [dotted(path), value]));
  return { defaults, stored, back, spec };
}

describe("the config-key table", () => {
  it("has a spec value to try for every entry, and an entry for every value tried", () => {
    expect(Object.keys(VALUES).filter((p) => !entryOf(p))).toEqual([]);
    expect(CONFIG_SETTINGS.filter((s) => !Object.keys(VALUES).some((p) => entryOf(p) === s)).map((s) => dotted(s.spec))).toEqual([]);
  });

  it("round-trips: spec → config → import → spec renders the same config, and every leaf Immich would not have by default is set again", () => {
    const settings = fc.record(VALUES, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.constantFrom("v2.7.5", "v3.1.0"), settings, (version, values) => {
        const { defaults, stored, back, spec } = roundTrip(version, values);
        const againSpec = importedSpec(version, back);
        const again = mergeConfig(defaults, buildImmichConfig(againSpec, "compose") as ConfigObject);
        // Only what import leaves to `immich.config` differs.
        const passthrough = Object.values(NOT_IMPORTED).flat();
        expect(Object.keys(configDifference(stored, again) ?? {}).filter((k) => !passthrough.includes(k))).toEqual([]);
        // Each config leaf a setting sets that Immich would not have by default is set again by the value imported.
        const defaultsOf = configReader(defaults, defaults);
        for (const setting of CONFIG_SETTINGS.filter((s) => !(dotted(s.spec) in NOT_IMPORTED))) {
          const value = valueAt(spec, setting.spec);
          if (value === undefined) continue;
          const changed = setting
            .forward(value, { spec, target: "compose", defaults })
            .filter(([key, v]) => JSON.stringify(defaultsOf.value(key)) !== JSON.stringify(v));
          // What the imported spec holds there (the value read back, or the spec's default when none was) sets it again.
          const againValue = valueAt(againSpec, setting.spec);
          const imported = againValue === undefined ? [] : setting.forward(againValue, { spec: againSpec, target: "compose", defaults });
          expect(imported, dotted(setting.spec)).toEqual(expect.arrayContaining(changed));
        }
      }),
      { numRuns: 40 },
    );
  });

  it("renders nothing for a setting the spec leaves unset, and import reads back only the spec's own values", () => {
    const { stored, defaults, back, spec } = roundTrip("v3.1.0", {});
    // OAuth comes back in the spec's written form (its secret a placeholder), tested below.
    for (const [path, value] of Object.entries(back).filter(([p]) => p !== "auth.oauth")) expect(value, path).toEqual(valueAt(spec, path.split(".")));
    expect(Object.keys(back).sort()).toEqual(["auth.oauth", "auth.passwordLogin", "hosts.mobile", "hosts.web", "machineLearning.enabled", "storageTemplate"]);
    for (const setting of CONFIG_SETTINGS.filter((s) => valueAt(spec, s.spec) === undefined))
      for (const key of setting.keys.filter((k) => !k.includes("*"))) {
        const path = key.split(".");
        expect(configReader(stored, defaults).differs(path), key).toBe(false);
      }
  });

  it("turns the trash off with 0 days and reads an off trash back as 0", () => {
    const { stored, back } = roundTrip("v3.1.0", { "immich.trashDays": 0 });
    expect(stored.trash).toEqual({ enabled: false, days: 30 });
    expect(back["immich.trashDays"]).toBe(0);
  });

  it("reads Immich's own library scan back as each library's rescan, with the scan's cron", () => {
    const { stored, back } = roundTrip("v3.1.0", { "libraries.travel.rescan": { by: "immich", cron: "0 4 * * *" } });
    expect(stored.library).toMatchObject({ scan: { enabled: true, cronExpression: "0 4 * * *" }, watch: { enabled: false } });
    const rescan = { by: "immich", cron: "0 4 * * *" };
    expect(back.libraries).toEqual({ family: { rescan }, travel: { rescan } });
  });

  it("reads OAuth back from a server holding the client secret as its placeholder, never the value", () => {
    const { stored, defaults } = roundTrip("v3.1.0", { "auth.oauth.buttonText": "Family login" });
    const server = mergeConfig(stored, { oauth: { clientSecret: "s3cret-from-the-server" } });
    const secrets: string[] = [];
    const draft = {
      get: () => undefined,
      secret: (key: string) => {
        secrets.push(key);
        return `\${${key}}`;
      },
    };
    const back = Object.fromEntries(readConfigSettings(configReader(server, defaults), draft).map(([path, value]) => [dotted(path), value]));
    expect(back["auth.oauth"]).toEqual({
      preset: "google",
      clientId: "1234567890-abc.apps.googleusercontent.com",
      clientSecret: "${IMMICH_OAUTH_CLIENT_SECRET}",
      autoRegister: true,
      autoLaunch: false,
      mobileRedirect: true,
      mobileRedirectHost: "app.photos.rincewind.family",
      buttonText: "Family login",
    });
    expect(secrets).toEqual(["IMMICH_OAUTH_CLIENT_SECRET"]);
    expect(JSON.stringify(back)).not.toContain("s3cret");
  });
});
