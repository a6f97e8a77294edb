import { describe, expect, it } from "vitest";
import { BASE_SPEC, diagnose, edit } from "../../test/helpers.js";

const secondLibrary = (rescan: string) =>
  edit(
    edit(
      edit(BASE_SPEC, '    exclusionPatterns: ["**/raw/**"]', `    exclusionPatterns: ["**/raw/**"]\n    rescan: { by: immich, cron: "0 3 * * *" }`),
      "        - { member: bob, role: editor }",
      `        - { member: bob, role: editor }\n  scans:\n    owner: bob\n    path: /mnt/scans${rescan}`,
    ),
    "      photos: { hostPath: /srv/photos }",
    "      photos: { hostPath: /srv/photos }\n      scans: { hostPath: /srv/scans }",
  );

describe("rule immich-scan-scope", () => {
  it("says nothing when no library asks Immich to rescan it", () => {
    expect(diagnose(BASE_SPEC)).toEqual([]);
  });

  it("warns at each library that Immich's one schedule scans although its rescans belong to the worker or to nobody", () => {
    const kubernetesSource = (text: string) =>
      edit(
        text,
        "        nfs: { server: nas.lan, share: /volume1/photos }",
        "        nfs: { server: nas.lan, share: /volume1/photos }\n      scans:\n        nfs: { server: nas.lan, share: /volume1/scans }",
      );
    expect(diagnose(kubernetesSource(secondLibrary("")))).toEqual([
      "spec.yaml:33:3: warning: libraries.scans.rescan.by: Immich's scan schedule (0 3 * * *, switched on by photos) scans every library, so this one is also scanned then, although its rescans belong to the worker; to keep Immich from scanning it, let the worker rescan all libraries [immich-scan-scope]",
    ]);
    expect(diagnose(kubernetesSource(secondLibrary("\n    rescan: { by: none }")))).toEqual([
      "spec.yaml:36:19: warning: libraries.scans.rescan.by: Immich's scan schedule (0 3 * * *, switched on by photos) scans every library, so this one is also scanned then, although its rescans belong to nobody; to keep Immich from scanning it, let the worker rescan all libraries [immich-scan-scope]",
    ]);
  });
});
