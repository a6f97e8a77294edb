import { describe, expect, it } from "vitest";
import { BASE_SPEC, diagnose, edit } from "../../test/helpers.js";

const share = (entries: string) => edit(BASE_SPEC, "        - { member: bob, role: editor }", entries);

describe("rule album-share", () => {
  it("accepts sharing with a declared member who is not the owner", () => {
    expect(diagnose(BASE_SPEC)).toEqual([]);
  });
  it("rejects an undeclared member with a suggestion", () => {
    expect(diagnose(share("        - { member: bobby }"))).toEqual([
      'spec.yaml:31:21: libraries.photos.albums.shareWith.0.member: album share target "bobby" is not a declared member (did you mean "bob"?); members: ann, bob [album-share]',
    ]);
  });
  it("rejects the library owner, who owns the albums", () => {
    expect(diagnose(share("        - { member: bob }\n        - { member: ann, role: viewer }"))).toEqual([
      'spec.yaml:32:21: libraries.photos.albums.shareWith.1.member: "ann" owns the albums of library photos (its owner) and cannot also be a share target; remove this entry [album-share]',
    ]);
  });
  it("rejects the same member twice", () => {
    expect(diagnose(share("        - { member: bob }\n        - { member: bob, role: editor }"))).toEqual([
      'spec.yaml:32:21: libraries.photos.albums.shareWith.1.member: "bob" is listed twice; share with each member once [album-share]',
    ]);
  });
});
