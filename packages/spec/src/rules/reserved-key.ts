import type { RuleFinding, SpecRule } from "./_rule.js";

/**
 * cdk8s refuses to render an object that has a key named `constructor` (it reads `obj.constructor.name`
 * to tell a plain object from a class), so the maps written as object keys into Kubernetes manifests
 * cannot hold it. Handles (members, libraries) are never such keys: `constructor` is an ordinary handle.
 */
const RESERVED = new Set(["constructor"]);

export const reservedKey: SpecRule = {
  name: "reserved-key",
  description:
    "Maps rendered as Kubernetes object keys (database parameters, backup plugin parameters, the worker's nodeSelector and tolerations) have no key named constructor.",
  needs: ["targets"],
  check: (spec) => {
    const k8s = spec.targets.kubernetes;
    if (!k8s) return [];
    const base = ["targets", "kubernetes"];
    const maps: [readonly (string | number)[], Readonly<Record<string, unknown>> | undefined][] = [
      [[...base, "database", "parameters"], k8s.database.parameters],
      [[...base, "database", "backup", "pluginParameters"], k8s.database.backup?.pluginParameters],
      [[...base, "worker", "nodeSelector"], k8s.worker.nodeSelector],
      ...(k8s.worker.tolerations ?? []).map((t, i): [readonly (string | number)[], Record<string, unknown>] => [[...base, "worker", "tolerations", i], t]),
    ];
    const out: RuleFinding[] = [];
    for (const [path, map] of maps) {
      for (const key of Object.keys(map ?? {})) {
        if (!RESERVED.has(key)) continue;
        out.push({
          path: [...path, key],
          anchor: "key",
          message: `the key "${key}" cannot be rendered into a Kubernetes object (cdk8s takes it for the object's class); remove or rename it`,
        });
      }
    }
    return out;
  },
};
