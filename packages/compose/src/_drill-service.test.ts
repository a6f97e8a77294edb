import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { composeSchemaErrors, type Draft, exampleSpec, specWith } from "../test/helpers.js";
import { buildComposeFile } from "./compose-file.js";
import { renderCompose } from "./render-compose.js";

describe("the restore drill's scratch Postgres", () => {
  test("is a one-shot of the live database's image under its own profile, in memory, with no network and no host folder", () => {
    const file = buildComposeFile(
      specWith("truenas.yaml", (d) => {
        d.database = { ...d.database, postgresMajor: 16 };
      }),
    );
    const live = file.services["immich-db"];
    const drill = file.services["immich-backup-drill"];
    expect(drill).toEqual({
      image: live?.image,
      profiles: ["drill"],
      restart: "no",
      environment: { POSTGRES_USER: "postgres", POSTGRES_HOST_AUTH_METHOD: "trust" },
      tmpfs: ["/var/lib/postgresql/data"],
      shm_size: "128mb",
      network_mode: "none",
      healthcheck: { test: ["CMD-SHELL", "pg_isready --username=postgres || exit 1"], interval: "5s", timeout: "5s", retries: 24 },
    });
    // Nothing waits for it and it waits for nothing: a plain `docker compose up` never starts it.
    for (const s of Object.values(file.services)) expect(Object.keys(s.depends_on ?? {})).not.toContain("immich-backup-drill");
  });

  test("keeps its data where Postgres 18 images keep theirs", () => {
    const file = buildComposeFile(
      specWith("truenas.yaml", (d) => {
        d.database = { ...d.database, postgresMajor: 18 };
      }),
    );
    expect(file.services["immich-backup-drill"]?.tmpfs).toEqual(["/var/lib/postgresql"]);
  });

  test("passes the compose-spec schema, on both examples", () => {
    for (const name of ["truenas.yaml", "family.yaml"]) {
      const text = renderCompose(exampleSpec(name)).find((f) => f.path === "compose.yaml")?.content ?? "";
      expect(composeSchemaErrors(parse(text))).toEqual([]);
    }
  });

  test("a scheduled drill puts its crontab line, and the mail it sends, in the README", () => {
    const readme = (mutate: (d: Draft) => void) => renderCompose(specWith("truenas.yaml", mutate)).find((f) => f.path === "README.md")?.content ?? "";
    const scheduled = readme((d) => {
      d.targets.compose.backup.drill = { schedule: "0 5 * * 0", maxAge: "2d" };
      d.targets.compose.backup.notify = { email: { from: "backup@example.org", to: ["sam@example.org"], smtp: { host: "smtp.example.org" } } };
    });
    expect(scheduled).toContain(
      "0 5 * * 0 immich-family backup verify /path/to/immich-family.yaml --out /path/to/this/folder --status-file /path/to/this/folder/drill-status.json --notify",
    );
    expect(scheduled).toContain("A backup older than 2d fails.");
    expect(scheduled).toContain("`--notify` mails a failed drill to sam@example.org through smtp.example.org:587, the backup's own mail settings.");
    expect(readme(() => undefined)).not.toContain("--status-file /path");
  });
});
