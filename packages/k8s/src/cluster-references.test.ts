import { describe, expect, it } from "vitest";
import { objects, specWith } from "../test/helpers.js";
import { clusterReferences } from "./cluster-references.js";

describe("clusterReferences", () => {
  it("lists each IngressClass, ClusterIssuer, CSI driver and CNPG plugin the rendered objects name, once", () => {
    const spec = specWith("ponder", (d) => {
      d.targets.kubernetes.database.backup = {
        schedule: "0 0 3 * * *",
        method: "plugin",
        pluginName: "barman-cloud.cloudnative-pg.io",
        pluginParameters: { barmanObjectName: "b2" },
      };
    });
    expect(clusterReferences(objects(spec))).toEqual({
      ingressClasses: ["pomerium"],
      clusterIssuers: ["letsencrypt-prod"],
      csiDrivers: ["nfs.csi.k8s.io"],
      cnpgPlugins: ["barman-cloud.cloudnative-pg.io"],
    });
  });

  it("lists nothing the objects do not name", () => {
    expect(
      clusterReferences([
        { kind: "Ingress", spec: {} },
        { kind: "PersistentVolume", spec: { hostPath: {} } },
        { kind: "Cluster", spec: {} },
      ]),
    ).toEqual({
      ingressClasses: [],
      clusterIssuers: [],
      csiDrivers: [],
      cnpgPlugins: [],
    });
  });
});
