import type { RuleFinding, SpecRule } from "./_rule.js";

const normal = (p: string) => p.replace(/^\.\//, "").replace(/\/+$/, "");
const inside = (child: string, parent: string) => normal(child) === normal(parent) || normal(child).startsWith(`${normal(parent)}/`);

export const composePaths: SpecRule = {
  name: "compose-paths",
  description: "The database folder lies outside the folders the init step hands to uid:gid (media, model cache, backups).",
  needs: ["machineLearning", "targets"],
  check: (spec) => {
    const compose = spec.targets.compose;
    if (compose === undefined) return [];
    const out: RuleFinding[] = [];
    // A named volume is not a host folder: nothing can nest in it.
    if (compose.volumes?.database) return out;
    const owned: [string, string][] = [["media", compose.paths.media]];
    if (spec.machineLearning.enabled && !compose.volumes?.modelCache) owned.push(["modelCache", compose.paths.modelCache]);
    if (compose.backup.enabled) owned.push(["backups", compose.paths.backups]);
    const db = compose.paths.database;
    for (const [field, path] of owned) {
      if (!inside(db, path)) continue;
      out.push({
        path: ["targets", "compose", "paths", "database"],
        message: `the database folder ${db} is inside paths.${field} (${path}), which the init step hands to ${compose.user.uid}:${compose.user.gid}; Postgres must keep owning it. Move one of them`,
      });
    }
    return out;
  },
};
