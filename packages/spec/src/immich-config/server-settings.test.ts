import { describe, expect, it } from "vitest";
import { secretKeys } from "../secrets.js";
import { configValidator, parseYaml, specFromInput } from "../../test/helpers.js";
import { immichLine } from "../derive.js";
import { v2 as line2 } from "../releases/v2.js";
import { v3 as line3 } from "../releases/v3.js";
import { immichConfigDefaults, mergeConfig } from "./config-schema.js";
import { renderImmichConfigTemplate } from "./render.js";

const base = (version: string, immich: Record<string, unknown>) =>
  specFromInput({
    apiVersion: "immich-family.dev/v1alpha1",
    kind: "ImmichFamily",
    metadata: { name: "s" },
    immich: { version, ...immich },
    hosts: { web: "photos.example.com" },
    members: { ann: { name: "Ann", email: "ann@example.com", admin: true } },
    targets: { compose: { user: { uid: 1, gid: 1 }, paths: { media: "/srv/m" } } },
  });

describe("server settings of the spec in the rendered config", () => {
  it.each(["v2.7.5", "v3.1.0"])("renders every first-class setting and the passthrough, valid for %s", (version) => {
    const spec = base(version, {
      versionCheck: false,
      reverseGeocoding: false,
      map: { enabled: true, lightStyle: "https://tiles.example.com/light.json", darkStyle: "https://tiles.example.com/dark.json" },
      trashDays: 60,
      userDeleteDelay: 14,
      loginPageMessage: "Family photos only",
      templates: { welcome: "Welcome {{name}}" },
      jobs: { thumbnailGeneration: 2, library: 1 },
      config: { ffmpeg: { crf: 28 }, server: { publicUsers: false }, notifications: { smtp: { transport: { password: "${SMTP_PASSWORD}" } } } },
    });
    const config = parseYaml(renderImmichConfigTemplate(spec, "compose"));
    expect(config).toMatchObject({
      newVersionCheck: { enabled: false },
      reverseGeocoding: { enabled: false },
      map: { enabled: true, lightStyle: "https://tiles.example.com/light.json", darkStyle: "https://tiles.example.com/dark.json" },
      trash: { enabled: true, days: 60 },
      user: { deleteDelay: 14 },
      server: { externalDomain: "https://photos.example.com", loginPageMessage: "Family photos only", publicUsers: false },
      templates: { email: { welcomeTemplate: "Welcome {{name}}" } },
      job: { thumbnailGeneration: { concurrency: 2 }, library: { concurrency: 1 } },
      ffmpeg: { accel: "disabled", crf: 28 },
      notifications: { smtp: { transport: { password: "${SMTP_PASSWORD}" } } },
    });
    const line = immichLine(spec);
    expect(configValidator(line.major)(mergeConfig(immichConfigDefaults(line), config))).toEqual([]);
    // The passthrough's placeholder is a key to fill, like the OAuth secret.
    expect(secretKeys(spec, "compose").map((k) => k.key)).toContain("SMTP_PASSWORD");
  });

  it("turns the trash off with trashDays 0, and leaves out what the spec does not set", () => {
    const config = parseYaml(renderImmichConfigTemplate(base("v3.1.0", { trashDays: 0 }), "compose"));
    expect(config.trash).toEqual({ enabled: false });
    expect(Object.keys(config).sort()).toEqual(["ffmpeg", "library", "machineLearning", "passwordLogin", "server", "trash"]);
  });

  it("takes the defaults of each line from its config schema", () => {
    const v2 = immichConfigDefaults(line2);
    const v3 = immichConfigDefaults(line3);
    expect((v2.ffmpeg as Record<string, unknown>).acceptedAudioCodecs).toEqual(["aac", "mp3", "libopus"]);
    expect((v3.ffmpeg as Record<string, unknown>).acceptedAudioCodecs).toEqual(["aac", "mp3", "opus"]);
    expect(v3.newVersionCheck).toMatchObject({ enabled: true });
    expect(v2.trash).toEqual({ enabled: true, days: 30 });
    expect(configValidator(2)(v2)).toEqual([]);
    expect(configValidator(3)(v3)).toEqual([]);
  });
});
