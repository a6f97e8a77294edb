import { describe, expect, test } from "vitest";
import type { Draft } from "../test/helpers.js";
import { checkComposeReferences } from "./check-references.js";

const base = () => ({
  services: {
    a: { image: "x:1", networks: ["net"], volumes: ["data:/data", "./local:/local", "/abs:/abs:ro"], depends_on: { b: { condition: "service_healthy" } } },
    b: { image: "y:1", networks: { net: {} }, volumes: [{ type: "volume", source: "data", target: "/d" }] },
  },
  networks: { net: {} },
  volumes: { data: {} },
});

describe("checkComposeReferences", () => {
  test("a consistent file has no problems", () => {
    expect(checkComposeReferences(base())).toEqual([]);
  });

  test.each([
    ["an undeclared network (list)", (f: Draft) => f.services.a.networks.push("ghost"), "services.a.networks.ghost"],
    ["an undeclared network (map)", (f: Draft) => (f.services.b.networks.ghost = {}), "services.b.networks.ghost"],
    ["an undeclared named volume (short)", (f: Draft) => f.services.a.volumes.push("cache:/cache"), "services.a.volumes[3]"],
    ["an undeclared named volume (long)", (f: Draft) => (f.services.b.volumes[0].source = "gone"), "services.b.volumes[0]"],
    ["a depends_on target that does not exist", (f: Draft) => (f.services.a.depends_on.c = { condition: "service_started" }), "services.a.depends_on.c"],
    ["a depends_on list target that does not exist", (f: Draft) => (f.services.b.depends_on = ["zz"]), "services.b.depends_on.zz"],
    ["an extends target that does not exist", (f: Draft) => (f.services.b.extends = { service: "base" }), "services.b.extends"],
    ["network_mode naming a missing service", (f: Draft) => (f.services.a.network_mode = "service:vpn"), "services.a.network_mode"],
    ["volumes_from naming a missing service", (f: Draft) => (f.services.a.volumes_from = ["c:ro"]), "services.a.volumes_from"],
  ])("finds %s", (_what, breakIt, path) => {
    const f = base();
    breakIt(f);
    expect(checkComposeReferences(f).map((p) => p.path)).toContain(path);
  });

  test("extends of a service in another file is not checked here", () => {
    const f: Draft = base();
    f.services.b.extends = { file: "hwaccel.yml", service: "cpu" };
    expect(checkComposeReferences(f)).toEqual([]);
  });
});
