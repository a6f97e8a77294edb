import { describe, expect, it } from "vitest";
import { container, envOf, find, objects, specWith } from "../test/helpers.js";

describe("adopting an existing install's names", () => {
  it("keeps seed 000's PV, PVC, volume handle, storage class, upload claim, CNPG cluster and media folder", () => {
    const spec = specWith("ponder", (s) => {
      s.immich.mediaLocation = "/usr/src/app/upload";
      s.targets.kubernetes.upload.claimName = "immich-upload-pvc";
      s.targets.kubernetes.database.clusterName = "immich-postgres";
      Object.assign(s.targets.kubernetes.libraries.fotos.nfs, {
        volumeName: "ponder-fotos-pv",
        claimName: "ponder-fotos-pvc",
        volumeHandle: "luggage-ponder-fotos-nfs-octavo",
        storageClass: "manual",
      });
    });
    const list = objects(spec);
    const pv = find(list, "PersistentVolume", "ponder-fotos-pv");
    expect(pv.spec.csi.volumeHandle).toBe("luggage-ponder-fotos-nfs-octavo");
    expect(pv.spec.storageClassName).toBe("manual");
    expect(pv.spec.claimRef).toEqual({ name: "ponder-fotos-pvc", namespace: "immich" });
    const pvc = find(list, "PersistentVolumeClaim", "ponder-fotos-pvc");
    expect(pvc.spec.volumeName).toBe("ponder-fotos-pv");
    expect(pvc.spec.storageClassName).toBe("manual");
    expect(find(list, "PersistentVolumeClaim", "immich-upload-pvc").spec.storageClassName).toBe("longhorn-nvme");
    expect(find(list, "Cluster", "immich-postgres").spec.bootstrap.initdb).toMatchObject({ database: "immich", owner: "immich_admin" });
    const server = find(list, "Deployment", "ponder-server");
    const volumes = server.spec.template.spec.volumes
      .map((v: { persistentVolumeClaim?: { claimName: string } }) => v.persistentVolumeClaim?.claimName)
      .filter(Boolean);
    expect(volumes).toEqual(expect.arrayContaining(["immich-upload-pvc", "ponder-fotos-pvc"]));
    const c = container(server, "server");
    expect(envOf(c)).toMatchObject({ IMMICH_MEDIA_LOCATION: "/usr/src/app/upload", DB_HOSTNAME: "immich-postgres-rw" });
    expect(c.volumeMounts).toContainEqual({ name: "upload", mountPath: "/usr/src/app/upload" });
    expect(list.filter((o) => o.kind === "PersistentVolume" || o.kind === "PersistentVolumeClaim").map((o) => o.metadata.name)).not.toContain(
      "ponder-library-fotos",
    );
  });

  it("gives the config init step the secrets of immich.config, by key", () => {
    const spec = specWith("ponder", (s) => {
      s.immich.config = {
        notifications: { smtp: { enabled: true, from: "photos@example.com", transport: { host: "smtp.example.com", password: "${IMMICH_SMTP_PASSWORD}" } } },
      };
    });
    const init = container(find(objects(spec), "Deployment", "ponder-server"), "config-fill", true);
    expect(envOf(init)).toMatchObject({ IMMICH_SMTP_PASSWORD: "secret:ponder-secrets/IMMICH_SMTP_PASSWORD" });
  });
});
