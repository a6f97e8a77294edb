import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { changedDefaults, pinConfigValues } from "./changed-defaults.js";
import { v2 } from "./v2.js";
import { v3 } from "./v3.js";

describe("changedDefaults", () => {
  it("derives v2 → v3 from the two lines' default tables: accelDecode turns on, libopus cannot be kept", () => {
    expect(changedDefaults(v2, v3)).toEqual([
      { path: ["ffmpeg", "acceptedAudioCodecs"], from: ["aac", "mp3", "libopus"], to: ["aac", "mp3", "opus"], pinnable: false },
      { path: ["ffmpeg", "accelDecode"], from: false, to: true, pinnable: true },
    ]);
    expect(changedDefaults(v3, v3)).toEqual([]);
  });
});

describe("pinConfigValues", () => {
  const source = readFileSync(new URL("../../../../examples/family.yaml", import.meta.url), "utf8");

  it("adds the pins under immich.config and changes nothing else: every original line stays, comments included", () => {
    const out = pinConfigValues(source, [{ path: ["ffmpeg", "accelDecode"], value: false }]);
    expect((parse(out) as { immich: { config: unknown } }).immich.config).toMatchObject({ ffmpeg: { accelDecode: false } });
    const before = source.split("\n");
    const after = out.split("\n");
    // Only lines added: the original lines appear in order.
    let i = 0;
    for (const line of after) if (line === before[i]) i++;
    expect(i).toBe(before.length);
    expect(after.length - before.length).toBeLessThanOrEqual(3);
  });

  it("leaves a value the spec already sets", () => {
    const text = "immich:\n  version: v2.7.5\n  config:\n    ffmpeg: { accelDecode: true } # on purpose\n";
    expect(pinConfigValues(text, [{ path: ["ffmpeg", "accelDecode"], value: false }])).toBe(text);
  });
});
