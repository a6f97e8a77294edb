import { App } from "cdk8s";
import { describe, expect, it } from "vitest";
import { exampleNames, exampleSpec, specWith } from "../test/helpers.js";
import { isKubernetesFile, isRestoreDrillFile, KUBERNETES_COMPONENTS, RESTORE_DRILL_FILES } from "./files.js";
import { ImmichChart } from "./immich-chart.js";
import { renderKubernetes, renderRestoreDrill } from "./render.js";

describe("the files the Kubernetes renderer can write", () => {
  it("name every component of a chart with every optional part on", () => {
    const spec = specWith("ponder", (s) => {
      s.machineLearning = { enabled: true };
      s.targets.kubernetes.networkPolicies = { enabled: true };
    });
    const chart = new ImmichChart(new App(), "immich", { spec });
    const ids = chart.node.children.map((c) => c.node.id).filter((id) => !id.startsWith("library-"));
    expect(ids).toEqual([...KUBERNETES_COMPONENTS]);
  });

  it.each(exampleNames().filter((n) => exampleSpec(n).targets.kubernetes !== undefined))("hold every file rendered from examples/%s", (name) => {
    const paths = renderKubernetes(exampleSpec(name)).map((f) => f.path);
    expect(paths.filter((p) => !isKubernetesFile(p))).toEqual([]);
  });

  it("are nothing else: no spec, secrets, data or path outside the folder", () => {
    for (const path of [
      "immich-family.yaml",
      "secrets.env",
      ".env",
      "library-.yaml",
      "library-Fotos.yaml",
      "library-a/b.yaml",
      "../server.yaml",
      "sub/server.yaml",
      "constructor",
      "",
    ])
      expect({ path, can: isKubernetesFile(path) }).toEqual({ path, can: false });
    expect(["server.yaml", "library-fotos.yaml", "kustomization.yaml", "README.md"].every(isKubernetesFile)).toBe(true);
  });
});

describe("the files of a restore drill's folder", () => {
  it("are exactly what renderRestoreDrill writes, and none of the install's but the kustomization", () => {
    const paths = renderRestoreDrill(exampleSpec("family"), { snapshots: { backup: "b", storage: "b" } }).files.map((f) => f.path);
    expect(paths.sort()).toEqual(Object.values(RESTORE_DRILL_FILES).sort());
    expect(["immich-family.yaml", "database.yaml", "secrets.env", "../cluster.yaml", ".immich-family-render.json"].filter(isRestoreDrillFile)).toEqual([]);
  });
});
