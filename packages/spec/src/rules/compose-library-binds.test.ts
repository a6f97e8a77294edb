import { describe, expect, it } from "vitest";
import { BASE_SPEC, diagnose, edit } from "../../test/helpers.js";

const ours = (text: string) => diagnose(text).filter((d) => d.endsWith("[compose-library-binds]"));
const atRoot = (bind: string) =>
  edit(edit(BASE_SPEC, "    path: /mnt/photos", "    path: /\n    importPaths: [/mnt/a/photos, /srv/b/pics]"), "      photos: { hostPath: /srv/photos }", bind);

describe("rule compose-library-binds", () => {
  it("accepts one root per import path for a library whose roots share only /", () => {
    expect(ours(atRoot("      photos: { roots: { /mnt/a/photos: /tank/a, /srv/b/pics: /tank/b } }"))).toEqual([]);
  });

  it("refuses a hostPath for a library at /: it would be bound over the container's root", () => {
    expect(ours(atRoot("      photos: { hostPath: /tank }"))).toEqual([
      'spec.yaml:46:27: targets.compose.libraries.photos.hostPath: library "photos" has path /, so hostPath would be bound over the container\'s root; bind each import path with roots: { <import path>: <host folder> } [compose-library-binds]',
    ]);
  });

  it("refuses the host's root as a hostPath", () => {
    expect(ours(edit(BASE_SPEC, "      photos: { hostPath: /srv/photos }", "      photos: { hostPath: / }"))).toEqual([
      "spec.yaml:45:27: targets.compose.libraries.photos.hostPath: expected a folder, not the host's root /; bind each import path with roots: { <import path>: <host folder> } [compose-library-binds]",
    ]);
  });

  it("names an import path no root covers, and a root outside the library", () => {
    const text = edit(BASE_SPEC, "      photos: { hostPath: /srv/photos }", "      photos: { roots: { /mnt/photos/2024: /tank/2024, /elsewhere: /tank/x } }");
    expect(ours(text)).toEqual([
      'spec.yaml:45:56: targets.compose.libraries.photos.roots./elsewhere: "/elsewhere" is not under the library path /mnt/photos [compose-library-binds]',
      'spec.yaml:45:24: targets.compose.libraries.photos.roots: import path /mnt/photos of library "photos" is under none of the roots (/mnt/photos/2024, /elsewhere); add /mnt/photos: <host folder> [compose-library-binds]',
    ]);
  });
});
