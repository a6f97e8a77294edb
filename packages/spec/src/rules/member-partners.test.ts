import { describe, expect, it } from "vitest";
import { BASE_SPEC, diagnose, edit } from "../../test/helpers.js";

describe("rule member-partners", () => {
  it("accepts partners that are other declared members", () => {
    expect(diagnose(edit(BASE_SPEC, "    admin: true", "    admin: true\n    partners: [bob]"))).toEqual([]);
  });
  it("names an unknown partner, the member themself and a repeat, each at its list item", () => {
    expect(diagnose(edit(BASE_SPEC, "    admin: true", "    admin: true\n    partners: [bobb, ann, bob, bob]"))).toEqual([
      'spec.yaml:21:16: members.ann.partners.0: "bobb" is not a declared member (did you mean "bob"?); members: ann, bob [member-partners]',
      "spec.yaml:21:22: members.ann.partners.1: ann cannot be their own partner; list the members ann shares their library with [member-partners]",
      "spec.yaml:21:32: members.ann.partners.3: bob is listed twice [member-partners]",
    ]);
  });
});
