import { describe, expect, it } from "vitest";
import { parseSpec } from "../loader.js";

function spec(libraries: string): string {
  return [
    "apiVersion: immich-family.dev/v1alpha1",
    "kind: ImmichFamily",
    "metadata: { name: c }",
    "immich: { version: v3.1.0 }",
    "hosts: { web: photos.example.com }",
    "members: { ann: { name: Ann, email: ann@example.com, admin: true } }",
    "libraries:",
    libraries,
    "targets:",
    "  compose:",
    "    user: { uid: 1, gid: 1 }",
    "    paths: { media: /srv/m }",
    "    libraries: { a: { hostPath: /srv/a }, b: { hostPath: /srv/b } }",
  ].join("\n");
}

describe("immich-cron rule", () => {
  it("points at a cron Immich would refuse", () => {
    const result = parseSpec(
      spec(["  a: { owner: ann, path: /mnt/a, rescan: { by: immich, cron: '0 25 * * *' } }", "  b: { owner: ann, path: /mnt/b }"].join("\n")),
    );
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors.filter((e) => e.code === "immich-cron");
    expect(errors.map((e) => [e.path, e.line, e.message])).toEqual([
      ["libraries.a.rescan.cron", 8, 'Immich would refuse this cron at start-up: hour "25" is outside 0-23'],
    ]);
  });

  it("ignores the cron of libraries the worker rescans, and warns about two schedules", () => {
    const ok = parseSpec(spec(["  a: { owner: ann, path: /mnt/a, rescan: { by: worker, cron: 'nonsense' } }", "  b: { owner: ann, path: /mnt/b }"].join("\n")));
    expect(ok.ok ? [] : ok.errors.map((e) => e.message)).toEqual([]);
    const two = parseSpec(
      spec(
        [
          "  a: { owner: ann, path: /mnt/a, rescan: { by: immich, cron: '0 1 * * *' } }",
          "  b: { owner: ann, path: /mnt/b, rescan: { by: immich, cron: '0 2 * * *' } }",
        ].join("\n"),
      ),
    );
    expect(two.ok).toBe(true);
    expect(two.warnings.filter((w) => w.code === "immich-cron").map((w) => w.message)).toEqual([
      "Immich has one scan schedule for all libraries; the libraries rescanned by immich use 2 different crons, so the first (a: 0 1 * * *) applies to all",
    ]);
  });
});
