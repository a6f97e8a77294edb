import { describe, expect, it } from "vitest";
import type { ImmichFamilySpec } from "../schema/spec.js";
import { applyConfigSettings, configReader, readConfigSettings } from "./config-keys.js";
import type { ConfigObject } from "./config-schema.js";

const LINE: ConfigObject = {
  map: { enabled: true, lightStyle: "", darkStyle: "" },
  trash: { enabled: true, days: 30 },
  job: { thumbnailGeneration: { concurrency: 3 } },
};

/** Render `spec` (only the fields a test sets) for compose on the line `LINE`. */
const forward = (spec: object) => ({ spec: spec as ImmichFamilySpec, target: "compose" as const, defaults: LINE });
const NO_DRAFT = { get: () => undefined, secret: (key: string) => `\${${key}}` };

describe("applyConfigSettings", () => {
  it("writes each field the spec sets, as the table's leaves, in the table's order", () => {
    const config: ConfigObject = {};
    applyConfigSettings(config, forward({ immich: { trashDays: 0, map: { enabled: false }, jobs: { thumbnailGeneration: 2 } } }));
    expect(config).toEqual({ map: { enabled: false }, trash: { enabled: false }, job: { thumbnailGeneration: { concurrency: 2 } } });
    expect(Object.keys(config)).toEqual(["map", "trash", "job"]);
  });

  it("writes nothing for a setting whose keys the line's config does not have", () => {
    const config: ConfigObject = {};
    applyConfigSettings(config, forward({ immich: { userDeleteDelay: 3, versionCheck: false, trashDays: 5 } }));
    expect(config).toEqual({ trash: { enabled: true, days: 5 } });
  });

  it("reads back only what differs from the line's defaults", () => {
    const reader = configReader(
      { ...LINE, trash: { enabled: true, days: 30 }, map: { enabled: true, lightStyle: "", darkStyle: "https://tiles.example/dark.json" } },
      LINE,
    );
    const back = Object.fromEntries(readConfigSettings(reader, NO_DRAFT).map(([path, v]) => [path.join("."), v]));
    // Password login and machine learning are read always (they decide who logs in, what runs); the rest only when changed.
    expect(back).toEqual({ "auth.passwordLogin": true, "machineLearning.enabled": true, "immich.map.darkStyle": "https://tiles.example/dark.json" });
  });
});
