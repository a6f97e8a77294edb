import { getServerVersion } from "@immich/sdk";
import { describe, expect, it, vi } from "vitest";
import { DEFAULT_VERSION, withFakeImmich } from "./server.js";

// A made-up v4 line added to immich-family's release table in memory (v3's entry with major 4): the
// fake's default release and line must follow the table, with nothing of the fake's own changed.
vi.mock("../../../packages/spec/src/releases/lines.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../../packages/spec/src/releases/lines.js")>();
  const v3 = real.IMMICH_LINES[real.IMMICH_LINES.length - 1];
  return { ...real, IMMICH_LINES: [...real.IMMICH_LINES, { ...v3, major: 4, newest: "v4.0.0", breaking: [] }] };
});

describe("the fake's default release follows the release table (a made-up v4 line, in memory)", () => {
  it("imitates the newest release of the newest line unless told otherwise", async () => {
    expect(DEFAULT_VERSION).toBe("v4.0.0");
    await withFakeImmich(async (fake) => {
      expect(await getServerVersion({ baseUrl: fake.url })).toMatchObject({ major: 4, minor: 0, patch: 0 });
      expect(fake.state.line.major).toBe(4);
    });
  });
});
