import { describe, expect, it } from "vitest";
import { specWith } from "../test/helpers.js";
import { buildComposeFile } from "./compose-file.js";

describe("adopting an existing Compose install's names", () => {
  it("keeps the official compose's service names, data paths, media folder and secret keys", () => {
    const spec = specWith("truenas.yaml", (s) => {
      s.immich.mediaLocation = "/usr/src/app/upload";
      s.database.password = "${IMMICH_DB_PASSWORD}";
      s.targets.compose.paths.database = "/srv/immich/postgres";
      s.targets.compose.paths.databaseTarget = "/var/lib/postgresql";
      s.targets.compose.services = { server: "immich-server", machineLearning: "immich-machine-learning", redis: "redis", database: "database" };
    });
    const file = buildComposeFile(spec);
    expect(Object.keys(file.services)).toEqual(expect.arrayContaining(["immich-server", "immich-machine-learning", "redis", "database"]));
    expect(Object.keys(file.services)).not.toContain("immich-db");
    const server = file.services["immich-server"];
    expect(server?.environment).toMatchObject({
      DB_HOSTNAME: "database",
      REDIS_HOSTNAME: "redis",
      DB_PASSWORD: "${IMMICH_DB_PASSWORD:?set IMMICH_DB_PASSWORD in .env}",
      IMMICH_MEDIA_LOCATION: "/usr/src/app/upload",
    });
    expect(server?.volumes).toContain("/mnt/archive-pool/private/photos/immich:/usr/src/app/upload");
    expect(Object.keys(server?.depends_on ?? {})).toEqual(expect.arrayContaining(["database", "redis"]));
    expect(file.services.database?.volumes).toEqual(["/srv/immich/postgres:/var/lib/postgresql"]);
    expect(file.services.database?.environment).toMatchObject({ POSTGRES_PASSWORD: "${IMMICH_DB_PASSWORD:?set IMMICH_DB_PASSWORD in .env}" });
    expect(file.services["immich-db-backup"]?.environment).toMatchObject({ DB01_HOST: "database" });
  });
});
