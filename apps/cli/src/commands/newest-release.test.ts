import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_VERSION } from "@family/fake-immich";
import { newestSupportedRelease, parseSpec } from "@family/immich-spec";
import { describe, expect, it } from "vitest";
import { EXAMPLES } from "./_cli-spawn.js";
import { DEFAULT_IMMICH_VERSION } from "./init.js";

describe("the newest release the tool knows", () => {
  it("is what init pins, what every example pins and the fake server's default line", () => {
    const newest = newestSupportedRelease();
    expect(DEFAULT_IMMICH_VERSION).toBe(newest);
    expect(DEFAULT_VERSION).toBe(newest);
    for (const name of ["family.yaml", "ponder.yaml", "truenas.yaml"]) {
      const result = parseSpec(readFileSync(join(EXAMPLES, name), "utf8"), name);
      expect(result.ok && result.value.immich.version, name).toBe(newest);
    }
  });
});
