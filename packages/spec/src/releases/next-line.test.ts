import { describe, expect, it, vi } from "vitest";
import { BASE_SPEC, diagnose, edit, specFromText } from "../../test/helpers.js";
import { immichConfigDefaults } from "../immich-config/config-schema.js";
import { buildImmichConfig } from "../immich-config/render.js";
import { specJsonSchema } from "../json-schema.js";
import { isSupported, lineOf, newestSupportedRelease, supportedRange } from "./line-of.js";
import { planUpgrade } from "./upgrade-plan.js";

// A made-up v4 line added to the release table in memory: v3's entry with major 4 and a config schema
// that adds one section, `madeUpV4: { enabled }`. Nothing else changes: the rest must follow the table.
vi.mock("./lines.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("./lines.js")>();
  const v3 = real.IMMICH_LINES[real.IMMICH_LINES.length - 1];
  if (v3?.major !== 3) throw new Error("the newest line of the table is no longer v3: update this test's made-up v4");
  const madeUpV4 = { type: "object", properties: { enabled: { type: "boolean", default: false } }, additionalProperties: false };
  const schema = v3.configSchema as { properties: Record<string, unknown> };
  const configSchema = { ...schema, properties: { ...schema.properties, madeUpV4 } };
  return { ...real, IMMICH_LINES: [...real.IMMICH_LINES, { ...v3, major: 4, newest: "v4.0.0", configSchema, breaking: [] }] };
});

/** BASE_SPEC pinning `version`, with `lines` added under `immich`. */
const spec = (version: string, lines: string[] = []) =>
  edit(BASE_SPEC, "  version: v2.7.5", [`  version: ${version}`, ...lines.map((l) => `  ${l}`)].join("\n"));

describe("a new Immich line is one entry of the release table (a made-up v4, in memory)", () => {
  it("is supported, and is the newest: range, lookup and what new specs pin follow", () => {
    expect(lineOf("v4.0.0")?.major).toBe(4);
    expect(isSupported("4.2.1")).toBe(true);
    expect(isSupported("v5.0.0")).toBe(false);
    expect(supportedRange()).toEqual({ min: "v2.0.0", below: "v5.0.0" });
    expect(newestSupportedRelease()).toBe("v4.0.0");
  });

  it("the spec's version check accepts v4.0.0, and its error text and the JSON Schema name the new range", () => {
    expect(diagnose(spec("v4.0.0"))).toEqual([]);
    expect(diagnose(spec("v5.0.0"))).toEqual([
      'spec.yaml:6:12: immich.version: expected an Immich release on a supported line, >=v2.0.0 <v5.0.0 (the v2, v3 and v4 lines), got "v5.0.0" [unsupported-version]',
    ]);
    const immich = (specJsonSchema().properties as Record<string, { properties: Record<string, { description: string }> }>).immich;
    expect(immich?.properties.version?.description).toBe(
      "The Immich release to run, pinned, on a supported line: >=v2.0.0 <v5.0.0 (the v2, v3 and v4 lines). Its line selects the config schema and API the tool renders for.",
    );
  });

  it("the config rule checks immich.config against v4's config schema, and v3's still refuses v4's key", () => {
    expect(diagnose(spec("v4.0.0", ["config:", "  madeUpV4: { enabled: true }"]))).toEqual([]);
    expect(diagnose(spec("v4.0.0", ["config:", "  madeUpV4: { enabled: yes }"]))).toEqual([
      "spec.yaml:8:26: immich.config.madeUpV4.enabled: Immich v4 config madeUpV4.enabled: must be boolean [immich-config]",
    ]);
    expect(diagnose(spec("v3.1.0", ["config:", "  madeUpV4: { enabled: true }"]))).toEqual([
      "spec.yaml:8:5: immich.config.madeUpV4: Immich v3 config madeUpV4: unknown key of Immich v3's config [immich-config]",
    ]);
  });

  it("the config schema functions read v4's schema: its defaults, and the keys the renderer may write", () => {
    const v4 = lineOf("v4.0.0");
    if (!v4) throw new Error("no v4 line");
    expect(immichConfigDefaults(v4).madeUpV4).toEqual({ enabled: false });
    const httpIssuer = specFromText(edit(spec("v4.0.0"), "    preset: google", "    preset: generic\n    issuerUrl: http://auth.lan/realms/x"));
    expect(buildImmichConfig(httpIssuer, "compose").oauth?.allowInsecureRequests).toBe(true);
  });

  it("upgrades from v3 into v4, one line entered", () => {
    const plan = planUpgrade("v3.1.0", "v4.0.0");
    expect(plan.ok && plan.lines.map((l) => l.line.major)).toEqual([4]);
    expect(planUpgrade("v4.0.0", "v5.0.0")).toMatchObject({ ok: false, reason: expect.stringContaining("(it knows v2.x, v3.x and v4.x)") });
  });
});
