import type { ImmichFamilySpec, KubernetesTarget } from "@family/immich-spec";
import { Construct } from "constructs";
import type { IPersistentVolume } from "kubernetes-models/v1/PersistentVolume";
import type { IPersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { recommendedLabels } from "./_labels.js";
import { inScope, type InstallContext } from "./_names.js";
import { builtIn } from "./_typed.js";

type LibrarySource = KubernetesTarget["libraries"][string];

/** How a library's claim is mounted into the server and worker pods. */
export interface LibraryMount {
  /** Volume name inside the pods. */
  readonly volume: string;
  /** The claim holding the library. */
  readonly claimName: string;
  /** The path the spec names, mounted read-only. */
  readonly path: string;
}

/** How a pod mounts the library `handle`, seen at `path`, from its source: the claim render writes (or keeps), or the existing one. */
export function libraryMount(install: InstallContext, handle: string, path: string, source: LibrarySource): LibraryMount {
  const claimName = "existingClaim" in source ? source.existingClaim : (source.nfs.claimName ?? install.names.library(handle));
  return { volume: `library-${handle}`, claimName, path };
}

/** One library of the Kubernetes target: its handle, the path the spec gives it, and where it comes from. */
export interface TargetLibrary {
  readonly handle: string;
  readonly path: string;
  readonly source: LibrarySource;
}

/** The target's libraries in handle order; refused when the target names a library the spec does not declare. */
export function targetLibraries(spec: ImmichFamilySpec, target: KubernetesTarget): TargetLibrary[] {
  return Object.keys(target.libraries)
    .sort()
    .map((handle) => {
      const source = target.libraries[handle];
      if (!source) throw new Error(`targets.kubernetes.libraries.${handle} is missing`);
      const library = Object.hasOwn(spec.libraries, handle) ? spec.libraries[handle] : undefined;
      if (!library) throw new Error(`targets.kubernetes.libraries.${handle}: no library ${handle} is declared under libraries`);
      return { handle, path: library.path, source };
    });
}

/** Props of `NfsLibrary`: one external library, by handle, path and source, and the install's names and labels. */
export interface NfsLibraryProps {
  /** Names and labels of the install: `installContext(spec, target)`. */
  readonly install: InstallContext;
  /** The library's handle in the spec. */
  readonly handle: string;
  /** Where the server and the worker see the library (`libraries.<handle>.path`). */
  readonly path: string;
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
    const install = inScope(this, props.install);
    const { handle, source } = props;
    const { names } = install;
    const name = names.library(handle);
    const nfs = "nfs" in source ? source.nfs : undefined;
    const volumeName = nfs?.volumeName ?? name;
    this.mount = libraryMount(install, handle, props.path, source);
    if (!nfs) return;
    const { claimName } = this.mount;
    const storageClassName = nfs.storageClass ?? "";
    const labels = { ...recommendedLabels(install, "library", "immich-library"), "immich-family.dev/library": handle };
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
