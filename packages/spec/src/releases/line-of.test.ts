import { describe, expect, it } from "vitest";
import { isSupported, lineOf, nearestLine, newestSupportedRelease, supportedLines, supportedRange } from "./line-of.js";
import { IMMICH_LINES } from "./lines.js";

describe("the answers derived from the release table", () => {
  it("has one major after the other, oldest first (the range assumes no gap)", () => {
    const majors = IMMICH_LINES.map((l) => l.major);
    expect(majors).toEqual(majors.map((_, i) => (majors[0] ?? 0) + i));
  });

  it("finds a version's line by its major, with or without the v", () => {
    expect(lineOf("v3.1.0")?.major).toBe(3);
    expect(lineOf("3.0.2")?.major).toBe(3);
    expect(lineOf("v2.0.0")?.major).toBe(2);
    expect(lineOf("v1.132.0")).toBeUndefined();
    expect(lineOf("v4.0.0")).toBeUndefined();
    expect(lineOf("latest")).toBeUndefined();
    expect([isSupported("v2.7.5"), isSupported("v1.99.0"), isSupported("v4.0.0")]).toEqual([true, false, false]);
  });

  it("states the range, the lines by name and the newest release", () => {
    expect(supportedRange()).toEqual({ min: "v2.0.0", below: "v4.0.0" });
    expect(supportedLines("or")).toBe("v2.x or v3.x");
    expect(supportedLines("and", "")).toBe("v2 and v3");
    expect(newestSupportedRelease()).toBe("v3.1.0");
  });

  it("takes the nearest line for a release outside the table: the oldest below it, the newest above", () => {
    expect(nearestLine("v1.132.0").major).toBe(2);
    expect(nearestLine("v2.7.5").major).toBe(2);
    expect(nearestLine("v9.0.0").major).toBe(3);
  });
});
