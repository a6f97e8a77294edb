import type { RuleFinding, SpecRule } from "./_rule.js";

/** `child` is `parent` or lies below it; `/` holds every absolute path. */
export const isUnder = (child: string, parent: string): boolean => child === parent || child.startsWith(parent === "/" ? "/" : `${parent}/`);

export const importPaths: SpecRule = {
  name: "import-paths",
  description: "A library's import paths lie under its path.",
  needs: ["libraries"],
  check: (spec) => {
    const out: RuleFinding[] = [];
    for (const [handle, lib] of Object.entries(spec.libraries)) {
      (lib.importPaths ?? []).forEach((p, i) => {
        const path = ["libraries", handle, "importPaths", i];
        const segments = p.split("/");
        if (segments.includes("..")) {
          out.push({ path, message: `expected no '..' segments, got "${p}"` });
        } else if (p.startsWith("/") && !isUnder(p, lib.path)) {
          out.push({ path, message: `import path "${p}" is not under the library path ${lib.path}; Immich only sees files under it` });
        }
      });
    }
    return out;
  },
};
