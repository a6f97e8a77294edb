import { ApiObject, type ApiObjectProps } from "cdk8s";
import type { Construct } from "constructs";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { IIngress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { INamespace } from "kubernetes-models/v1/Namespace";
import type { IPersistentVolume } from "kubernetes-models/v1/PersistentVolume";
import type { IPersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import type { IService } from "kubernetes-models/v1/Service";

// Built-in objects typed by the Kubernetes schema (kubernetes-models), so a misspelt or unknown field
// in a literal fails the typecheck; the types are erased at build time.
type BuiltIn = IDeployment | IJob | IIngress | INetworkPolicy | IConfigMap | INamespace | IPersistentVolume | IPersistentVolumeClaim | IService;

export function builtIn<T extends BuiltIn>(scope: Construct, id: string, object: T & { metadata: { name: string } }): ApiObject {
  return new ApiObject(scope, id, object as unknown as ApiObjectProps);
}
