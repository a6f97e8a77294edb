import { describe, expect, it } from "vitest";
import { BASE_SPEC, diagnose, edit } from "../../test/helpers.js";

describe("rule library-owner", () => {
  it("accepts an owner who is a declared member", () => {
    expect(diagnose(BASE_SPEC)).toEqual([]);
  });
  it("rejects an undeclared owner, suggesting the closest member", () => {
    expect(diagnose(edit(BASE_SPEC, "    owner: ann", "    owner: amm"))).toEqual([
      'spec.yaml:26:12: libraries.photos.owner: library owner "amm" is not a declared member (did you mean "ann"?); members: ann, bob [library-owner]',
    ]);
  });
  it("lists the members when nothing is close", () => {
    expect(diagnose(edit(BASE_SPEC, "    owner: ann", "    owner: zed-the-unknown"))).toEqual([
      'spec.yaml:26:12: libraries.photos.owner: library owner "zed-the-unknown" is not a declared member; members: ann, bob [library-owner]',
    ]);
  });
});
