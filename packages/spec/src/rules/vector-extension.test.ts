import { describe, expect, it } from "vitest";
import { BASE_SPEC, diagnose, edit } from "../../test/helpers.js";

const version = (v: string) => edit(BASE_SPEC, "  vectorVersion: 0.3.0", `  vectorVersion: ${v}`);
const image = (ref: string) => edit(BASE_SPEC, "  kubernetes:\n", `  kubernetes:\n    database:\n      image: ${ref}\n`);

describe("rule vector-extension", () => {
  it.each(["0.3.0", "0.4.3", "1.1.1"])("accepts VectorChord %s", (v) => {
    expect(diagnose(version(v))).toEqual([]);
  });
  it.each(["0.2.9", "2.0.0"])("rejects VectorChord %s, outside Immich's range", (v) => {
    expect(diagnose(version(v))).toEqual([`spec.yaml:34:18: database.vectorVersion: Immich accepts VectorChord >=0.3.0 <2.0.0, got ${v} [vector-extension]`]);
  });
  it.each([
    "ghcr.io/tensorchord/cloudnative-vectorchord:16-0.3.0",
    "ghcr.io/immich-app/postgres:16-vectorchord0.3.0-pgvectors0.2.0",
    "registry.lan:5000/pg:16-0.3.0@sha256:abcd",
  ])("accepts the matching image %s", (ref) => {
    expect(diagnose(image(ref))).toEqual([]);
  });
  it("rejects an image whose tag disagrees with the database section", () => {
    expect(diagnose(image("ghcr.io/tensorchord/cloudnative-vectorchord:16-0.4.3"))).toEqual([
      "spec.yaml:38:14: targets.kubernetes.database.image: the image tag says PostgreSQL 16 with VectorChord 0.4.3, but database.postgresMajor is 16 and database.vectorVersion is 0.3.0; use the tag 16-0.3.0 or change the database section [vector-extension]",
    ]);
  });
  it("rejects an image without a tag", () => {
    expect(diagnose(image("registry.lan:5000/postgres"))).toEqual([
      "spec.yaml:38:14: targets.kubernetes.database.image: expected a pinned tag <pgMajor>-<vectorVersion> such as :16-0.3.0, got an image without a tag [vector-extension]",
    ]);
  });
  it("warns when the tag cannot be read", () => {
    expect(diagnose(image("my.registry/pg:custom"))).toEqual([
      "spec.yaml:38:14: warning: targets.kubernetes.database.image: cannot read the PostgreSQL major and VectorChord version from this tag; make sure it ships PostgreSQL 16 with VectorChord 0.3.0 [vector-extension]",
    ]);
  });
});
