import type { RuleFinding, SpecRule } from "./_rule.js";

/** The Barman Cloud plugin of CloudNativePG, which archives to an ObjectStore named by a parameter. */
export const BARMAN_CLOUD_PLUGIN = "barman-cloud.cloudnative-pg.io";

export const kubernetesBackup: SpecRule = {
  name: "kubernetes-backup",
  description: "A plugin backup names its plugin, and the Barman Cloud plugin its object store.",
  needs: ["targets"],
  check: (spec) => {
    const backup = spec.targets.kubernetes?.database.backup;
    if (backup === undefined) return [];
    const out: RuleFinding[] = [];
    const path = ["targets", "kubernetes", "database", "backup"];
    if (backup.method === "plugin" && backup.pluginName === undefined) {
      out.push({ path, anchor: "key", message: `method plugin needs pluginName, the CNPG-I plugin that takes the backups, e.g. ${BARMAN_CLOUD_PLUGIN}` });
    }
    if (backup.method === "plugin" && backup.pluginName === BARMAN_CLOUD_PLUGIN && !backup.pluginParameters?.barmanObjectName) {
      out.push({
        path: [...path, "pluginName"],
        message: `the Barman Cloud plugin needs its object store: add pluginParameters: { barmanObjectName: <the name of your ObjectStore> }`,
      });
    }
    if (backup.method !== "plugin" && (backup.pluginName !== undefined || backup.pluginParameters !== undefined)) {
      out.push({
        path: [...path, backup.pluginName !== undefined ? "pluginName" : "pluginParameters"],
        anchor: "key",
        severity: "warning",
        message: `only method plugin uses the plugin settings; method ${backup.method} ignores them`,
      });
    }
    return out;
  },
};
