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
      'First admin: an install that already has its users (adopted, members imported) has none to make; they sign in as before. A fresh install: make the first admin from inside the server container (Traefik refuses Immich\'s sign-up from outside), or give members.rincewind.password and run `immich-family bootstrap`. See rendered/compose/README.md, "First start".',
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
    expect(steps.at(-1)).toContain(
      "A fresh install: make the first admin in the wizard at https://photos.rincewind.family, right away (until then anyone who reaches it can claim the install)",
    );
  });

  test("the first admin: none on an adopted install; the worker signs up a first admin who has a password; never 'the first account becomes the admin'", () => {
    const withPassword = specWith("family.yaml", (s) => {
      s.members.rincewind.password = "${RINCEWIND_PASSWORD}";
      delete s.targets.compose.traefik;
    });
    const last = composeNextSteps(withPassword, "out").at(-1) ?? "";
    expect(last).toMatch(/^First admin: an install that already has its users \(adopted, members imported\) has none to make; they sign in as before\./);
    expect(last).toContain(
      "A fresh install: the worker signs up rincewind with members.rincewind.password at its first start (or run `immich-family bootstrap` yourself); else make the first admin in the wizard",
    );
    const noWorker = specWith("family.yaml", (s) => {
      s.members.rincewind.password = "${RINCEWIND_PASSWORD}";
      s.worker = { enabled: false };
    });
    expect(composeNextSteps(noWorker, "out").at(-1)).not.toContain("the worker signs up");
    for (const spec of [withPassword, noWorker]) expect(composeNextSteps(spec, "out").join("\n")).not.toMatch(/first account/);
  });
});
