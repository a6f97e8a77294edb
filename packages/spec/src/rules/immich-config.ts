import { immichLine } from "../derive.js";
import { checkImmichConfig, immichConfigDefaults, isPlainObject, mergeConfig } from "../immich-config/config-schema.js";
import { buildImmichConfig } from "../immich-config/render.js";
import type { Target } from "../secrets.js";
import type { RuleFinding, SpecRule } from "./_rule.js";

/** The longest prefix of `path` that exists in `config`. */
function existingPrefix(config: unknown, path: readonly string[]): string[] {
  const out: string[] = [];
  let node = config;
  for (const key of path) {
    if (!isPlainObject(node) || !Object.hasOwn(node, key)) break;
    out.push(key);
    node = node[key];
  }
  return out;
}

export const immichConfigKeys: SpecRule = {
  name: "immich-config",
  needs: ["metadata", "immich", "hosts", "auth", "storageTemplate", "members", "libraries", "machineLearning", "database", "redis", "worker", "targets"],
  description:
    "immich.config holds only keys and values the pinned Immich line accepts (Immich stops at start-up on an invalid value and ignores an unknown key).",
  check: (spec) => {
    const passthrough = spec.immich.config;
    if (!passthrough) return [];
    const line = immichLine(spec);
    const targets = (["kubernetes", "compose"] as const).filter((t): t is Target => spec.targets[t] !== undefined);
    const out = new Map<string, RuleFinding>();
    for (const target of targets) {
      let config: Record<string, unknown>;
      try {
        config = buildImmichConfig(spec, target);
      } catch {
        continue; // another rule reports why the config cannot be built
      }
      for (const issue of checkImmichConfig(line, mergeConfig(immichConfigDefaults(line), config))) {
        const inPassthrough = existingPrefix(passthrough, issue.path);
        const where = issue.path.join(".");
        const d: RuleFinding = {
          path: ["immich", "config", ...inPassthrough],
          ...(inPassthrough.length < issue.path.length || issue.message.startsWith("unknown key") ? { anchor: "key" as const } : {}),
          message: `Immich v${line.major} config ${where}: ${issue.message}`,
        };
        out.set(`${where}|${issue.message}`, d);
      }
    }
    return [...out.values()];
  },
};
