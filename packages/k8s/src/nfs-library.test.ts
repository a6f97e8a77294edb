import { describe, expect, it } from "vitest";
import { container, exampleSpec, find, objects, specWith } from "../test/helpers.js";
import { renderKubernetes, renderRestoreDrill } from "./render.js";

describe("NfsLibrary", () => {
  it("renders seed 000's NFS export as a read-only, retained, cluster-scoped PersistentVolume bound by name", () => {
    const list = objects(exampleSpec("ponder"));
    const pv = find(list, "PersistentVolume", "ponder-library-fotos");
    expect(pv.metadata.namespace).toBeUndefined();
    expect(pv.spec.accessModes).toEqual(["ReadOnlyMany"]);
    expect(pv.spec.persistentVolumeReclaimPolicy).toBe("Retain");
    expect(pv.spec.capacity.storage).toBe("2500Gi");
    expect(pv.spec.mountOptions).toEqual(["nfsvers=4.1", "hard"]);
    expect(pv.spec.csi.driver).toBe("nfs.csi.k8s.io");
    expect(pv.spec.csi.volumeAttributes).toEqual({ server: "luggage", share: "/volume1/NetBackup", subDir: "public/ponder/Fotos" });
    const pvc = find(list, "PersistentVolumeClaim", "ponder-library-fotos");
    expect(pvc.metadata.namespace).toBe("immich");
    expect(pvc.spec.volumeName).toBe("ponder-library-fotos");
    expect(pvc.spec.accessModes).toEqual(["ReadOnlyMany"]);
  });

  it("follows the spec's server, share, sub-directory, options, driver and capacity", () => {
    const spec = specWith("ponder", (s) => {
      s.targets.kubernetes.libraries.fotos.nfs = {
        server: "nas2.lan",
        share: "/export/pics",
        subDir: "kids",
        mountOptions: ["nfsvers=3"],
        capacity: "3Ti",
        driver: "nfs.example.com",
      };
    });
    const pv = find(objects(spec), "PersistentVolume", "ponder-library-fotos");
    expect(pv.spec.csi.volumeAttributes).toEqual({ server: "nas2.lan", share: "/export/pics", subDir: "kids" });
    expect(pv.spec.csi.driver).toBe("nfs.example.com");
    expect(pv.spec.mountOptions).toEqual(["nfsvers=3"]);
    expect(pv.spec.capacity.storage).toBe("3Ti");
    expect(find(objects(spec), "PersistentVolumeClaim", "ponder-library-fotos").spec.resources.requests.storage).toBe("3Ti");
  });

  it("gives every volume its own handle", () => {
    const pvs = objects(exampleSpec("family")).filter((o) => o.kind === "PersistentVolume");
    expect(pvs).toHaveLength(2);
    expect(new Set(pvs.map((p) => p.spec.csi.volumeHandle)).size).toBe(2);
  });

  it("mounts each library read-only at the spec's path in the server and the worker", () => {
    const spec = specWith("ponder", (s) => {
      s.libraries.fotos.path = "/photos/ponder";
      s.libraries.fotos.importPaths = ["Events"];
    });
    const list = objects(spec);
    for (const [deployment, name] of [
      ["ponder-server", "server"],
      ["ponder-worker", "worker"],
    ] as const) {
      const d = find(list, "Deployment", deployment);
      expect(container(d, name).volumeMounts).toContainEqual({ name: "library-fotos", mountPath: "/photos/ponder", readOnly: true });
      expect(d.spec.template.spec.volumes).toContainEqual({
        name: "library-fotos",
        persistentVolumeClaim: { claimName: "ponder-library-fotos", readOnly: true },
      });
    }
  });

  it("mounts an existing claim instead of rendering a volume", () => {
    const list = objects(specWith("ponder", (s) => (s.targets.kubernetes.libraries.fotos = { existingClaim: "nas-photos" })));
    expect(list.filter((o) => o.kind === "PersistentVolume")).toEqual([]);
    expect(find(list, "Deployment", "ponder-server").spec.template.spec.volumes).toContainEqual({
      name: "library-fotos",
      persistentVolumeClaim: { claimName: "nas-photos", readOnly: true },
    });
  });

  it("refuses a target library the spec does not declare, in the install and in the drill, when a caller skips validation", () => {
    const spec = exampleSpec("family");
    const target = spec.targets.kubernetes!;
    const stray = { ...spec, targets: { kubernetes: { ...target, libraries: { ...target.libraries, constructor: { existingClaim: "x" } } } } };
    const refusal = "targets.kubernetes.libraries.constructor: no library constructor is declared under libraries";
    expect(() => renderKubernetes(stray)).toThrow(refusal);
    expect(() => renderRestoreDrill(stray, { snapshots: { backup: "b", storage: "b" } })).toThrow(refusal);
  });
});
