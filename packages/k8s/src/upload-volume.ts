import type { ImmichFamilySpec, KubernetesTarget } from "@family/immich-spec";
import { Construct } from "constructs";
import type { IPersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { builtIn } from "./_typed.js";
import { recommendedLabels } from "./_labels.js";
import type { Names } from "./_names.js";
import { optional } from "./_optional.js";

/** Where Immich keeps uploads, thumbnails and encoded video inside its container. */
export const MEDIA_LOCATION = "/data";

/** Props of `UploadVolume`: the spec, its Kubernetes target (size, class, claim) and the object names. */
export interface UploadVolumeProps {
  /** The parsed spec. */
  readonly spec: ImmichFamilySpec;
  /** Its Kubernetes target. */
  readonly target: KubernetesTarget;
  /** Object names: `objectNames(spec, target)`. */
  readonly names: Names;
}

/** The PersistentVolumeClaim of Immich's media location. */
export class UploadVolume extends Construct {
  constructor(scope: Construct, id: string, props: UploadVolumeProps) {
    super(scope, id);
    const { spec, target, names } = props;
    builtIn<IPersistentVolumeClaim>(this, "claim", {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: names.upload, namespace: names.namespace, labels: recommendedLabels(spec, "upload", "immich-server") },
      spec: {
        accessModes: ["ReadWriteOnce"],
        ...optional("storageClassName", target.upload.storageClass ?? target.storageClass),
        resources: { requests: { storage: target.upload.size } },
      },
    });
  }
}
