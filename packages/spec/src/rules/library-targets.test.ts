import { describe, expect, it } from "vitest";
import { BASE_SPEC, diagnose, edit } from "../../test/helpers.js";

describe("rule library-targets", () => {
  it("accepts a library provided by both targets", () => {
    expect(diagnose(BASE_SPEC)).toEqual([]);
  });
  it("rejects a library the kubernetes target does not provide", () => {
    const text = edit(BASE_SPEC, "    libraries:\n      photos:\n        nfs: { server: nas.lan, share: /volume1/photos }\n", "    namespace: photos\n");
    expect(diagnose(text)).toEqual([
      'spec.yaml:36:3: targets.kubernetes.libraries.photos: library "photos" (/mnt/photos) has no source in targets.kubernetes.libraries; add photos: { nfs: { server, share } } or { existingClaim: <pvc> } [library-targets]',
    ]);
  });
  it("ignores a target that is not declared", () => {
    const text = BASE_SPEC.slice(0, BASE_SPEC.indexOf("  compose:"));
    expect(diagnose(text)).toEqual([]);
  });
  it("rejects a source for an undeclared library with a suggestion", () => {
    const text = edit(
      BASE_SPEC,
      "        nfs: { server: nas.lan, share: /volume1/photos }",
      "        nfs: { server: nas.lan, share: /volume1/photos }\n      photo:\n        existingClaim: photos-pvc",
    );
    expect(diagnose(text)).toEqual([
      'spec.yaml:40:7: targets.kubernetes.libraries.photo: "photo" is not a declared library (did you mean "photos"?); libraries: photos [library-targets]',
    ]);
  });
});
