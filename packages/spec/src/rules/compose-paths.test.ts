import { describe, expect, it } from "vitest";
import { BASE_SPEC, diagnose, edit } from "../../test/helpers.js";

const paths = (lines: string) => edit(BASE_SPEC, "      media: /srv/immich", lines);

describe("rule compose-paths", () => {
  it("accepts a database folder beside the media folder", () => {
    expect(diagnose(paths("      media: /srv/immich/media\n      database: /srv/immich/db"))).toEqual([]);
  });

  it("refuses a database folder inside the media folder", () => {
    expect(diagnose(paths("      media: /srv/immich\n      database: /srv/immich/db"))).toEqual([
      "spec.yaml:44:17: targets.compose.paths.database: the database folder /srv/immich/db is inside paths.media (/srv/immich), which the init step hands to 1000:1000; Postgres must keep owning it. Move one of them [compose-paths]",
    ]);
  });

  it("refuses the default database folder inside relative backups", () => {
    expect(diagnose(paths("      media: /srv/immich\n      backups: ./data/")).map((d) => d.replace(/, which the init .*$/, ""))).toEqual([
      "spec.yaml:42:5: targets.compose.paths.database: the database folder ./data/db is inside paths.backups (./data/)",
    ]);
  });

  it("ignores the model cache when machine learning is off", () => {
    const text = paths("      media: /srv/immich\n      modelCache: ./data");
    expect(diagnose(text)).toHaveLength(1);
    // Only unused-field's note that the cache has no effect then; compose-paths says nothing.
    expect(diagnose(edit(text, "database:\n", "machineLearning: { enabled: false }\ndatabase:\n")).filter((d) => d.endsWith("[compose-paths]"))).toEqual([]);
  });
});
