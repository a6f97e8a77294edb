import type { RuleFinding, SpecRule } from "./_rule.js";
import { isUnder } from "./import-paths.js";

/**
 * A Compose library is bound into the containers either whole (`hostPath`, at the library's path) or one
 * import root at a time (`roots`). Binding `/` (the host's root, or over the container's) is never right.
 */
export const composeLibraryBinds: SpecRule = {
  name: "compose-library-binds",
  description: "Compose binds a library's folder or each of its import roots, never / and never outside the library.",
  needs: ["libraries", "targets"],
  check: (spec) => {
    const compose = spec.targets.compose;
    if (compose === undefined) return [];
    const out: RuleFinding[] = [];
    for (const [handle, source] of Object.entries(compose.libraries)) {
      const lib = spec.libraries[handle];
      if (!lib) continue; // library-targets names it
      const at = ["targets", "compose", "libraries", handle];
      if ("hostPath" in source) {
        if (source.hostPath === "/")
          out.push({
            path: [...at, "hostPath"],
            message: "expected a folder, not the host's root /; bind each import path with roots: { <import path>: <host folder> }",
          });
        else if (lib.path === "/")
          out.push({
            path: [...at, "hostPath"],
            message: `library "${handle}" has path /, so hostPath would be bound over the container's root; bind each import path with roots: { <import path>: <host folder> }`,
          });
        continue;
      }
      const roots = Object.keys(source.roots);
      for (const [root, host] of Object.entries(source.roots)) {
        if (root === "/" || host === "/") out.push({ path: [...at, "roots", root], anchor: "key", message: "expected an import root, not /" });
        else if (!isUnder(root, lib.path))
          out.push({ path: [...at, "roots", root], anchor: "key", message: `"${root}" is not under the library path ${lib.path}` });
      }
      const imports = (lib.importPaths ?? [lib.path]).map((p) => (p.startsWith("/") ? p : `${lib.path === "/" ? "" : lib.path}/${p}`));
      for (const p of imports) {
        if (roots.some((r) => isUnder(p, r))) continue;
        out.push({
          path: [...at, "roots"],
          message: `import path ${p} of library "${handle}" is under none of the roots (${roots.join(", ")}); add ${p}: <host folder>`,
        });
      }
    }
    return out;
  },
};
