import type { ImmichFamilySpec, KubernetesTarget } from "@family/immich-spec";
import { Construct } from "constructs";
import type { IPersistentVolume } from "kubernetes-models/v1/PersistentVolume";
import type { IPersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { builtIn } from "./_typed.js";
import { recommendedLabels } from "./_labels.js";
import type { Names } from "./_names.js";

type LibrarySource = KubernetesTarget["libraries"][string];

/** A library volume as the pods mount it. */
/** How a library's claim is mounted into the server and worker pods. */
export interface LibraryMount {
  /** Volume name inside the pods. */
  readonly volume: string;
  /** The claim holding the library. */
  readonly claimName: string;
  /** The path the spec names, mounted read-only. */
  readonly path: string;
}

/** Props of `NfsLibrary`: one external library of the spec, by handle and source. */
export interface NfsLibraryProps {
  /** The parsed spec. */
  readonly spec: ImmichFamilySpec;
  /** Object names: `objectNames(spec, target)`. */
  readonly names: Names;
  /** The library's handle in the spec. */
  readonly handle: string;
  /** Where the library comes from: an NFS export or an existing claim. */
  readonly source: LibrarySource;
}

/**
 * One external library: a read-only NFS PersistentVolume (cluster-scoped, so no namespace) and the
 * claim bound to it by name; or, for `existingClaim`, nothing but the mount.
 */
export class NfsLibrary extends Construct {
  /** How the server and the worker mount it. */
  readonly mount: LibraryMount;

  constructor(scope: Construct, id: string, props: NfsLibraryProps) {
    super(scope, id);
    const { spec, names, handle, source } = props;
    const lib = spec.libraries[handle];
    if (!lib) throw new Error(`targets.kubernetes.libraries.${handle}: no library ${handle} is declared under libraries`);
    const name = names.library(handle);
    const nfs = "nfs" in source ? source.nfs : undefined;
    const volumeName = nfs?.volumeName ?? name;
    const claimName = nfs?.claimName ?? name;
    this.mount = { volume: `library-${handle}`, claimName: "existingClaim" in source ? source.existingClaim : claimName, path: lib.path };
    if (!nfs) return;
    const storageClassName = nfs.storageClass ?? "";
    const labels = { ...recommendedLabels(spec, "library", "immich-library"), "immich-family.dev/library": handle };
    builtIn<IPersistentVolume>(this, "volume", {
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: { name: volumeName, labels },
      spec: {
        capacity: { storage: nfs.capacity },
        accessModes: ["ReadOnlyMany"],
        persistentVolumeReclaimPolicy: "Retain",
        storageClassName,
        volumeMode: "Filesystem",
        mountOptions: [...nfs.mountOptions],
        csi: {
          driver: nfs.driver,
          volumeHandle: nfs.volumeHandle ?? `${name}-${nfs.server}${nfs.share}${nfs.subDir ? `/${nfs.subDir}` : ""}`.replace(/[^A-Za-z0-9.-]+/g, "-"),
          readOnly: true,
          volumeAttributes: { server: nfs.server, share: nfs.share, ...(nfs.subDir ? { subDir: nfs.subDir } : {}) },
        },
        claimRef: { name: claimName, namespace: names.namespace },
      },
    });
    builtIn<IPersistentVolumeClaim>(this, "claim", {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: claimName, namespace: names.namespace, labels },
      spec: {
        accessModes: ["ReadOnlyMany"],
        storageClassName,
        volumeMode: "Filesystem",
        volumeName,
        resources: { requests: { storage: nfs.capacity } },
      },
    });
  }
}
