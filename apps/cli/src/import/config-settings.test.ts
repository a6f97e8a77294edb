import {
  buildImmichConfig,
  CONFIG_SETTINGS,
  type ConfigObject,
  configReader,
  immichConfigDefaults,
  immichLine,
  isPlainObject,
  mergeConfig,
  readConfigSettings,
} from "@family/immich-spec";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exampleSpec } from "../../test/helpers.js";

const text = fc.stringMatching(/^[A-Za-z0-9 .,!?'-]{0,40}$/);
const url = fc.constantFrom(
  "https://tiles.example.org/light.json",
  "https://maps.example.net/style/dark.json",
  "https://tiles.immich.cloud/v1/style/light.json",
);
const queues = ["thumbnailGeneration", "metadataExtraction", "videoConversion", "smartSearch", "faceDetection", "library"];

/** A value the spec accepts for each setting of the config-key table: a new entry without one fails below. */
const VALUES: Record<string, fc.Arbitrary<unknown>> = {
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

const dotted = (path: readonly string[]) => path.join(".");

/** The example spec with these settings, on a line. */
function specWithSettings(version: string, values: Record<string, unknown>) {
  return exampleSpec("family", { "immich.version": version, ...values });
}

/** The server's stored config (the rendered file merged over the line's defaults), and what import reads back from it through the table. */
function roundTrip(version: string, values: Record<string, unknown>) {
  const defaults = immichConfigDefaults(immichLine({ immich: { version } }));
  const spec = specWithSettings(version, values);
  const stored = mergeConfig(defaults, buildImmichConfig(spec, "compose") as ConfigObject);
  // What import reads elsewhere (members, libraries, hosts) is the spec's; secrets come back as placeholders.
  const draft = {
    get: (path: readonly string[]) => path.reduce<unknown>((n, k) => (isPlainObject(n) ? n[k] : undefined), spec),
    secret: (key: string) => `\${${key}}`,
  };
  const back = Object.fromEntries(readConfigSettings(configReader(stored, defaults), draft).map(([path, value]) => [dotted(path), value]));
  return { defaults, stored, back, spec };
}

describe("the config-key table", () => {
  it("has a spec value to try for every entry, and an entry for every value tried", () => {
    expect(CONFIG_SETTINGS.map((s) => dotted(s.spec)).sort()).toEqual(Object.keys(VALUES).sort());
  });

  it("round-trips: spec → config → import → spec renders the same config, and every leaf Immich would not have by default comes back", () => {
    const settings = fc.record(VALUES, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.constantFrom("v2.7.5", "v3.1.0"), settings, (version, values) => {
        const { defaults, stored, back, spec } = roundTrip(version, values);
        const ctx = { spec, target: "compose" as const, defaults };
        const again = mergeConfig(defaults, buildImmichConfig(specWithSettings(version, back), "compose") as ConfigObject);
        expect(again).toEqual(stored);
        // Each config leaf a value sets that Immich would not have by default is set again by the value imported.
        const defaultsOf = configReader(defaults, defaults);
        for (const [path, value] of Object.entries(values)) {
          const setting = CONFIG_SETTINGS.find((s) => dotted(s.spec) === path);
          const changed = (setting?.forward(value, ctx) ?? []).filter(([key, v]) => JSON.stringify(defaultsOf.value(key)) !== JSON.stringify(v));
          const imported = back[path] === undefined ? [] : (setting?.forward(back[path], ctx) ?? []);
          expect(imported).toEqual(expect.arrayContaining(changed));
        }
      }),
      { numRuns: 40 },
    );
  });

  it("renders nothing for a setting the spec leaves unset, and import leaves Immich's defaults unset", () => {
    const { stored, defaults, back } = roundTrip("v3.1.0", {});
    expect(back).toEqual({});
    for (const setting of CONFIG_SETTINGS)
      for (const key of setting.keys.filter((k) => !k.includes("*"))) {
        const path = key.split(".");
        expect(configReader(stored, defaults).differs(path), key).toBe(false);
      }
  });

  it("turns the trash off with 0 days and reads an off trash back as 0", () => {
    const { stored, back } = roundTrip("v3.1.0", { "immich.trashDays": 0 });
    expect(stored.trash).toEqual({ enabled: false, days: 30 });
    expect(back).toEqual({ "immich.trashDays": 0 });
  });
});
