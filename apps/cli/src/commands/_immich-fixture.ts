import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createFakeImmich, type FakeImmich } from "@family/fake-immich";
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
  writeFileSync(
    join(dir, "immich-family.yaml"),
    [
      "apiVersion: immich-family.dev/v1alpha1",
      "kind: ImmichFamily",
      "metadata: { name: test }",
      "immich: { version: v3.1.0 }",
      "hosts: { web: photos.example.com }",
      "members:",
      "  ann: { name: Ann, email: ann@example.com, admin: true }",
      "  bob: { name: Bob, email: bob@example.com }",
      "libraries:",
      `  family: { owner: ann, path: ${dir}/photos/family, exclusionPatterns: ["**/raw/**"] }`,
      "worker: { apiKey: '$" + "{WORKER_KEY}' }",
      "targets:",
      "  compose: { user: { uid: 1000, gid: 1000 }, paths: { media: /srv/media }, libraries: { family: { hostPath: /srv/photos } } }",
      "",
    ].join("\n"),
  );
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
    context,
    cleanup: async () => {
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
