import { describe, expect, it } from "vitest";
import { BASE_SPEC, diagnose, edit } from "../../test/helpers.js";

describe("rule member-emails", () => {
  it("rejects two members with the same login email, ignoring case", () => {
    expect(diagnose(edit(BASE_SPEC, "    email: bob@smith.family", "    email: Ann@Smith.family"))).toEqual([
      "spec.yaml:23:12: members.bob.email: Ann@Smith.family is already the email of member ann; each member logs in with their own [member-emails]",
    ]);
  });
});
