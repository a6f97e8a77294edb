import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createFakeImmich, type FakeImmich } from "@family/fake-immich";
import { type Draft, minimalInput, secretRef, specText } from "../../test/helpers.js";
import type { CommandContext } from "../_command.js";
import { recordingIo } from "../_io.js";

/** A temp folder with a spec whose library lives in it, a fake Immich with ann (admin) and bob, and a context for commands. */
export async function immichFixture() {
  const dir = mkdtempSync(join(tmpdir(), "cli-immich-"));
  const fake: FakeImmich = await createFakeImmich();
  const ann = fake.addUser({ email: "ann@example.com", isAdmin: true });
  const bob = fake.addUser({ email: "bob@example.com" });
  const adminKey = fake.addApiKey(ann, ["all"], "worker");
  const add = (rel: string) => {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, rel);
  };
  add("photos/family/2024/a.jpg");
  /** (Re)writes the spec; `library` adds fields to the family library (e.g. `albums`). */
  const writeSpec = (library: Draft = {}) =>
    writeFileSync(
      join(dir, "immich-family.yaml"),
      specText(
        minimalInput(
          { family: { owner: "ann", path: `${dir}/photos/family`, exclusionPatterns: ["**/raw/**"], ...library } },
          { immich: { version: "v3.1.0" }, worker: { apiKey: secretRef("WORKER_KEY") } },
        ),
      ),
    );
  writeSpec();
  const context = (env?: NodeJS.ProcessEnv, signal?: CommandContext["signal"]) => {
    const io = recordingIo();
    const ctx: CommandContext = { cwd: dir, io, env: env ?? { IMMICH_URL: fake.url, WORKER_KEY: adminKey }, signal: signal ?? new AbortController().signal };
    return { ctx, io };
  };
  return {
    dir,
    fake,
    ann,
    bob,
    adminKey,
    add,
    writeSpec,
    context,
    cleanup: async () => {
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
