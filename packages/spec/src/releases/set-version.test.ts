import { describe, expect, it } from "vitest";
import { setImmichVersion } from "./set-version.js";

/** The text with `from` replaced once by `to`: what a byte-exact edit of one scalar gives. */
const only = (text: string, from: string, to: string) => {
  const at = text.indexOf(from);
  return `${text.slice(0, at)}${to}${text.slice(at + from.length)}`;
};

describe("setImmichVersion", () => {
  it("replaces only the version's characters; comments, spacing and the rest stay byte for byte", () => {
    const text =
      "# top\napiVersion: immich-family.dev/v1alpha1\nimmich:\n  version:   v2.7.5   # pinned; upgrade with immich-family upgrade\n  timezone: Europe/Berlin\nother:\n  version: v2.7.5\n";
    expect(setImmichVersion(text, "v3.1.0")).toBe(only(text, "v2.7.5", "v3.1.0"));
  });

  it("keeps the quotes and the missing v as written", () => {
    expect(setImmichVersion('immich:\n  version: "v2.7.5"\n', "v3.1.0")).toBe('immich:\n  version: "v3.1.0"\n');
    expect(setImmichVersion("immich:\n  version: '2.7.5'\n", "v3.1.0")).toBe("immich:\n  version: '3.1.0'\n");
    expect(setImmichVersion("immich:\n  version: 2.7.5\n", "3.1.0")).toBe("immich:\n  version: 3.1.0\n");
  });

  it("edits a flow mapping and CRLF text in place", () => {
    expect(setImmichVersion("immich: { version: v2.7.5, timezone: UTC } # flow\r\nhosts: {}\r\n", "v3.1.0")).toBe(
      "immich: { version: v3.1.0, timezone: UTC } # flow\r\nhosts: {}\r\n",
    );
  });

  it("says what is missing or wrong", () => {
    expect(() => setImmichVersion("hosts: {}\n", "v3.1.0")).toThrow("the spec has no immich.version to change");
    expect(() => setImmichVersion("immich:\n  version: v2.7.5\n", "latest")).toThrow("not a release version: latest");
    expect(() => setImmichVersion("immich:\n  version: |\n    v2.7.5\n", "v3.1.0")).toThrow(/block scalar/);
  });
});
