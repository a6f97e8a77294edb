import { describe, expect, it } from "vitest";
import { formatDiagnostic, parseSpec } from "../loader.js";

function spec(version: string, immich: string[]): string {
  return [
    "apiVersion: immich-family.dev/v1alpha1",
    "kind: ImmichFamily",
    "metadata: { name: c }",
    "immich:",
    `  version: ${version}`,
    ...immich.map((l) => `  ${l}`),
    "hosts: { web: photos.example.com }",
    "members: { ann: { name: Ann, email: ann@example.com, admin: true } }",
    "targets:",
    "  compose:",
    "    user: { uid: 1, gid: 1 }",
    "    paths: { media: /srv/m }",
  ].join("\n");
}

const errorsOf = (text: string) => {
  const r = parseSpec(text, "spec.yaml");
  return r.ok ? [] : r.errors.filter((e) => e.code === "immich-config").map(formatDiagnostic);
};

describe("immich-config rule", () => {
  it("accepts keys and values of the pinned line", () => {
    expect(errorsOf(spec("v3.1.0", ["config:", "  ffmpeg: { crf: 28, targetAudioCodec: opus }", "  metadata: { faces: { import: true } }"]))).toEqual([]);
  });

  it("points at an unknown key, a bad value and a key of the other line", () => {
    expect(errorsOf(spec("v3.1.0", ["config:", "  ffmpeg: { crff: 28 }", "  trash: { days: -1 }"]))).toEqual([
      "spec.yaml:7:15: immich.config.ffmpeg.crff: Immich v3 config ffmpeg.crff: unknown key of Immich v3's config [immich-config]",
      "spec.yaml:8:20: immich.config.trash.days: Immich v3 config trash.days: must be >= 0 [immich-config]",
    ]);
    // libopus is v2's name of the codec; v3 calls it opus and stops at start-up on the old name.
    expect(errorsOf(spec("v2.7.5", ["config:", "  ffmpeg: { targetAudioCodec: libopus }"]))).toEqual([]);
    expect(errorsOf(spec("v3.1.0", ["config:", "  ffmpeg: { targetAudioCodec: libopus }"]))).toEqual([
      'spec.yaml:7:33: immich.config.ffmpeg.targetAudioCodec: Immich v3 config ffmpeg.targetAudioCodec: must be equal to one of the allowed values: "mp3", "aac", "opus", "pcm_s16le" [immich-config]',
    ]);
    expect(errorsOf(spec("v3.1.0", ["config:", "  integrityChecks: { missingFiles: { enabled: false } }"]))).toEqual([]);
    expect(errorsOf(spec("v2.7.5", ["config:", "  integrityChecks: { missingFiles: { enabled: false } }"]))).toEqual([
      "spec.yaml:7:5: immich.config.integrityChecks: Immich v2 config integrityChecks: unknown key of Immich v2's config [immich-config]",
    ]);
  });
});
