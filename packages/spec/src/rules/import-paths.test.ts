import { describe, expect, it } from "vitest";
import { BASE_SPEC, diagnose, edit } from "../../test/helpers.js";

const withImports = (list: string) => edit(BASE_SPEC, "    path: /mnt/photos", `    path: /mnt/photos\n    importPaths: ${list}`);

describe("rule import-paths", () => {
  it("accepts absolute paths under the library path and relative ones", () => {
    expect(diagnose(withImports("[/mnt/photos, /mnt/photos/2024, family/old]"))).toEqual([]);
  });
  it("rejects a path outside the library, even with a shared prefix", () => {
    expect(diagnose(withImports("[/mnt/photos-old]"))).toEqual([
      'spec.yaml:28:19: libraries.photos.importPaths.0: import path "/mnt/photos-old" is not under the library path /mnt/photos; Immich only sees files under it [import-paths]',
    ]);
  });
  it("rejects a relative path that climbs out", () => {
    expect(diagnose(withImports("[ok, ../elsewhere]"))).toEqual([
      "spec.yaml:28:23: libraries.photos.importPaths.1: expected no '..' segments, got \"../elsewhere\" [import-paths]",
    ]);
  });
});

describe("rule import-paths with a library at /", () => {
  it("accepts every absolute import path under /, and still refuses '..'", () => {
    const atRoot = (list: string) => edit(BASE_SPEC, "    path: /mnt/photos", `    path: /\n    importPaths: ${list}`);
    expect(diagnose(atRoot("[/mnt/a/photos, /srv/b/pics]")).filter((d) => d.endsWith("[import-paths]"))).toEqual([]);
    expect(diagnose(atRoot("[/mnt/../etc]")).filter((d) => d.endsWith("[import-paths]"))).toEqual([
      "spec.yaml:28:19: libraries.photos.importPaths.0: expected no '..' segments, got \"/mnt/../etc\" [import-paths]",
    ]);
  });
});
