import { Construct } from "constructs";
import type { INamespace } from "kubernetes-models/v1/Namespace";
import { recommendedLabels } from "./_labels.js";
import { inScope, type InstallContext } from "./_names.js";
import { builtIn } from "./_typed.js";

/** Props of `Namespace`: the install's names (its `namespace`) and labels. */
export interface NamespaceProps {
  /** Names and labels of the install: `installContext(spec, target)`. */
  readonly install: InstallContext;
}

/** The namespace of the install. */
export class Namespace extends Construct {
  constructor(scope: Construct, id: string, props: NamespaceProps) {
    super(scope, id);
    const install = inScope(this, props.install);
    builtIn<INamespace>(this, "namespace", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: install.names.namespace, labels: recommendedLabels(install, "namespace", "immich") },
    });
  }
}
