import { describe, expect, test } from "vitest";
import { exampleSpec, specWith } from "../test/helpers.js";
import { composeNextSteps } from "./next-steps.js";

describe("composeNextSteps", () => {
  test("walk from the rendered folder to a running stack, in order", () => {
    const steps = composeNextSteps(exampleSpec("family.yaml"), "rendered/compose");
    expect(steps).toEqual([
      'Once per host: the user 1000 and group 1000 own the data; see rendered/compose/README.md, "Host setup".',
      "Copy rendered/compose/.env.example to rendered/compose/.env and fill in every key; keep it out of git.",
      "Create Traefik's network if it does not exist: docker network create rincewind-frontend",
      "Start: cd rendered/compose && docker compose up -d",
      "Check the init step exited 0: docker compose logs immich-init (an unresolved ${KEY} stops it, and the server does not start).",
      'Make the first admin from inside the server container (Traefik refuses Immich\'s sign-up from outside): see rendered/compose/README.md, "First start".',
    ]);
  });

  test("a secrets env file other than .env goes on every compose command; a folder with a space is quoted", () => {
    const spec = specWith("family.yaml", (s) => {
      s.targets.compose.envFile = "secrets.env";
      delete s.targets.compose.traefik;
    });
    const steps = composeNextSteps(spec, "my stack");
    expect(steps).toContain("Start: cd 'my stack' && docker compose --env-file secrets.env up -d");
    expect(steps.join("\n")).not.toContain("docker network create");
    expect(steps).toContain("Open https://photos.rincewind.family right away: the first account you create becomes the admin.");
  });
});
