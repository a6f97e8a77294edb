import type { Construct } from "constructs";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import type { IService } from "kubernetes-models/v1/Service";
import { type Component, recommendedLabels, selectorLabels } from "./_labels.js";
import type { InstallContext } from "./_names.js";
import { builtIn } from "./_typed.js";

/** Name, namespace and labels of a component's objects, and the labels that select its pods. */
export interface Workload {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
}

/** The workload of one component of the install, named `name`, its pods labelled as `appName`. */
export function workload(install: InstallContext, name: string, component: Component, appName: string): Workload {
  return {
    name,
    namespace: install.names.namespace,
    labels: recommendedLabels(install, component, appName),
    selector: selectorLabels(install, component, appName),
  };
}

/** The shared skeleton of every Deployment: one replica, selected by `selector`, labelled `labels`. */
export function deployment(
  scope: Construct,
  workload: Workload,
  pod: IPodSpec,
  options: { readonly recreate?: boolean; readonly podAnnotations?: Record<string, string> } = {},
): void {
  builtIn<IDeployment>(scope, "deployment", {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: workload.name, namespace: workload.namespace, labels: workload.labels },
    spec: {
      replicas: 1,
      ...(options.recreate ? { strategy: { type: "Recreate" } } : {}),
      selector: { matchLabels: workload.selector },
      template: {
        metadata: { labels: workload.labels, ...(options.podAnnotations ? { annotations: options.podAnnotations } : {}) },
        spec: pod,
      },
    },
  });
}

/** The ClusterIP Service in front of a Deployment's one named port. */
export function service(scope: Construct, workload: Workload, port: { readonly name: string; readonly port: number }): void {
  builtIn<IService>(scope, "service", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: workload.name, namespace: workload.namespace, labels: workload.labels },
    spec: { selector: workload.selector, ports: [{ name: port.name, port: port.port, targetPort: port.name, protocol: "TCP" }] },
  });
}
