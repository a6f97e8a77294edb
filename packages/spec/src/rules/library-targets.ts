import { didYouMean } from "../loader-suggest.js";
import type { RuleFinding, SpecRule } from "./_rule.js";

const HOW = {
  kubernetes: "{ nfs: { server, share } } or { existingClaim: <pvc> }",
  compose: "{ hostPath: /path/on/the/host }",
} as const;

export const libraryTargets: SpecRule = {
  name: "library-targets",
  description: "Every declared target provides every library's path, and names only declared libraries.",
  needs: ["libraries", "targets"],
  check: (spec) => {
    const out: RuleFinding[] = [];
    const libraries = Object.keys(spec.libraries);
    for (const target of ["kubernetes", "compose"] as const) {
      const sources = spec.targets[target]?.libraries;
      if (sources === undefined) continue;
      for (const handle of libraries) {
        if (Object.hasOwn(sources, handle)) continue;
        out.push({
          path: ["targets", target, "libraries", handle],
          message: `library "${handle}" (${spec.libraries[handle]?.path}) has no source in targets.${target}.libraries; add ${handle}: ${HOW[target]}`,
        });
      }
      for (const handle of Object.keys(sources)) {
        if (Object.hasOwn(spec.libraries, handle)) continue;
        out.push({
          path: ["targets", target, "libraries", handle],
          anchor: "key",
          message: `"${handle}" is not a declared library${didYouMean(handle, libraries)}; libraries: ${libraries.join(", ") || "(none)"}`,
        });
      }
    }
    return out;
  },
};
