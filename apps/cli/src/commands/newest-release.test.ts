import { DEFAULT_VERSION } from "@family/fake-immich";
import { newestSupportedRelease } from "@family/immich-spec";
import { describe, expect, it } from "vitest";
import { exampleSpec } from "../../test/helpers.js";
import { DEFAULT_IMMICH_VERSION } from "../_new-spec.js";

describe("the newest release the tool knows", () => {
  it("is what init pins, what every example pins and the fake server's default line", () => {
    const newest = newestSupportedRelease();
    expect(DEFAULT_IMMICH_VERSION).toBe(newest);
    expect(DEFAULT_VERSION).toBe(newest);
    for (const name of ["family.yaml", "ponder.yaml", "truenas.yaml"]) {
      expect(exampleSpec(name).immich.version, name).toBe(newest);
    }
  });
});
