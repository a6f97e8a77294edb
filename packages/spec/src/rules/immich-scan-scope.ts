import type { RuleFinding, SpecRule } from "./_rule.js";

/**
 * Immich has one scan schedule (`library.scan` in its config), and its job scans every external
 * library. When one library asks Immich to rescan it, the others are scanned on that schedule too,
 * whatever their `rescan.by` says: say so at each of them.
 */
export const immichScanScope: SpecRule = {
  name: "immich-scan-scope",
  needs: ["libraries"],
  description:
    "Warns that Immich's scan schedule, switched on by a library with rescan.by: immich, also scans the libraries rescanned by the worker or by nobody.",
  check: (spec) => {
    const libraries = Object.entries(spec.libraries);
    const byImmich = libraries.filter(([, l]) => l.rescan.by === "immich").map(([h]) => h);
    const [first] = byImmich;
    if (first === undefined) return [];
    const cron = spec.libraries[first]?.rescan.cron;
    return libraries
      .filter(([, l]) => l.rescan.by !== "immich")
      .map(
        ([handle, l]): RuleFinding => ({
          path: ["libraries", handle, "rescan", "by"],
          severity: "warning",
          message: `Immich's scan schedule (${cron}, switched on by ${byImmich.join(", ")}) scans every library, so this one is also scanned then, although its rescans belong to ${l.rescan.by === "worker" ? "the worker" : "nobody"}; to keep Immich from scanning it, let the worker rescan all libraries`,
        }),
      );
  },
};
