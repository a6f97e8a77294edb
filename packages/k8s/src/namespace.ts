import type { ImmichFamilySpec } from "@family/immich-spec";
import { Construct } from "constructs";
import type { INamespace } from "kubernetes-models/v1/Namespace";
import { builtIn } from "./_typed.js";
import { recommendedLabels } from "./_labels.js";

/** Props of `Namespace`: the spec (for labels) and the namespace name. */
export interface NamespaceProps {
  /** The parsed spec. */
  readonly spec: ImmichFamilySpec;
  /** Name of the namespace every namespaced object lands in. */
  readonly name: string;
}

/** The namespace of the install. */
export class Namespace extends Construct {
  constructor(scope: Construct, id: string, props: NamespaceProps) {
    super(scope, id);
    builtIn<INamespace>(this, "namespace", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: props.name, labels: recommendedLabels(props.spec, "namespace", "immich") },
    });
  }
}
