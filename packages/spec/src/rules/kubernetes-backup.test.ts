import { describe, expect, it } from "vitest";
import { BASE_SPEC, diagnose, edit } from "../../test/helpers.js";

const backup = (lines: string) => edit(BASE_SPEC, "  kubernetes:\n", `  kubernetes:\n    database:\n      backup:\n${lines}\n`);

describe("rule kubernetes-backup", () => {
  it.each([
    "        schedule: '0 0 3 * * *'",
    "        schedule: '0 0 3 * * *'\n        method: plugin\n        pluginName: barman-cloud.cloudnative-pg.io\n        pluginParameters: { barmanObjectName: minio }",
    "        schedule: '0 0 3 * * *'\n        method: plugin\n        pluginName: backup.example.com",
  ])("accepts %s", (lines) => {
    expect(diagnose(backup(lines))).toEqual([]);
  });

  it("requires the plugin's name for method plugin", () => {
    expect(diagnose(backup("        schedule: '0 0 3 * * *'\n        method: plugin"))).toEqual([
      "spec.yaml:38:7: targets.kubernetes.database.backup: method plugin needs pluginName, the CNPG-I plugin that takes the backups, e.g. barman-cloud.cloudnative-pg.io [kubernetes-backup]",
    ]);
  });

  it("requires barman-cloud's object store", () => {
    expect(diagnose(backup("        schedule: '0 0 3 * * *'\n        method: plugin\n        pluginName: barman-cloud.cloudnative-pg.io"))).toEqual([
      "spec.yaml:41:21: targets.kubernetes.database.backup.pluginName: the Barman Cloud plugin needs its object store: add pluginParameters: { barmanObjectName: <the name of your ObjectStore> } [kubernetes-backup]",
    ]);
  });

  it("warns that volume snapshots ignore plugin settings", () => {
    expect(diagnose(backup("        schedule: '0 0 3 * * *'\n        pluginName: barman-cloud.cloudnative-pg.io"))).toEqual([
      "spec.yaml:40:9: warning: targets.kubernetes.database.backup.pluginName: only method plugin uses the plugin settings; method volumeSnapshot ignores them [kubernetes-backup]",
    ]);
  });
});
