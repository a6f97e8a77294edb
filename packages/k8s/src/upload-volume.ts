import { Construct } from "constructs";
import type { IPersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { recommendedLabels } from "./_labels.js";
import { inScope, type InstallContext } from "./_names.js";
import { optional } from "./_optional.js";
import { builtIn } from "./_typed.js";

/** Props of `UploadVolume`: the install's names (the claim's) and labels, the size and the storage class. */
export interface UploadVolumeProps {
  /** Names and labels of the install: `installContext(spec, target)`. */
  readonly install: InstallContext;
  /** Requested size, e.g. `500Gi` (`targets.kubernetes.upload.size`). */
  readonly size: string;
  /** Storage class of the claim (`upload.storageClass`, else the target's `storageClass`). @default the cluster's default class */
  readonly storageClass?: string | undefined;
}

/** The PersistentVolumeClaim of Immich's media location. */
export class UploadVolume extends Construct {
  constructor(scope: Construct, id: string, props: UploadVolumeProps) {
    super(scope, id);
    const install = inScope(this, props.install);
    builtIn<IPersistentVolumeClaim>(this, "claim", {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: install.names.upload, namespace: install.names.namespace, labels: recommendedLabels(install, "upload", "immich-server") },
      spec: {
        accessModes: ["ReadWriteOnce"],
        ...optional("storageClassName", props.storageClass),
        resources: { requests: { storage: props.size } },
      },
    });
  }
}
