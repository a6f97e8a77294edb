import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { albumState, createFakeImmich, type FakeImmich } from "@family/fake-immich";
import { type ConfigObject, fillTemplate, immichConfigDefaults, mergeConfig, parseSpec, renderImmichConfigTemplate, templateKeys } from "@family/immich-spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { minimalInput, secretRef, specText, tempTree } from "../../test/helpers.js";
import { createLogger } from "./logger.js";
import { runWorker } from "./run-worker.js";

let fake: FakeImmich;
let tree: ReturnType<typeof tempTree>;
let dir: string;
beforeEach(() => {
  tree = tempTree("from-zero-");
  for (const f of ["2024/Rome/a.jpg", "2024/Rome/b.jpg", "2023/Paris/c.jpg"]) tree.add(`photos/${f}`);
  dir = mkdtempSync(join(tmpdir(), "from-zero-state-"));
});
afterEach(async () => {
  await fake.close();
  tree.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** Three members: ann the admin (password), dee on OAuth only, bob with a quota, a label and preferences; albums shared with both. */
const familySpec = (version: string) =>
  specText(
    minimalInput(
      {
        photos: {
          owner: "ann",
          path: `${tree.root}/photos`,
          albums: {
            levels: -1,
            shareWith: [
              { member: "bob", role: "viewer" },
              { member: "dee", role: "editor" },
            ],
          },
        },
      },
      {
        immich: { version },
        auth: { oauth: { preset: "google", clientId: "family-client", clientSecret: secretRef("OAUTH_SECRET") } },
        members: {
          ann: { name: "Ann", email: "ann@example.com", admin: true, password: secretRef("ANN_PASSWORD") },
          dee: { name: "Dee", email: "dee@example.com" },
          bob: {
            name: "Bob",
            email: "bob@example.com",
            password: secretRef("BOB_PASSWORD"),
            quota: "100Gi",
            storageLabel: "bob",
            preferences: { folders: true, tags: true, memories: false },
          },
        },
      },
    ),
  );

/** The secrets, and nothing else: the only thing a family fills in. */
const secrets = { ANN_PASSWORD: "ann-first", BOB_PASSWORD: "bob-first", OAUTH_SECRET: "oauth-secret" };

describe.each(["v2.7.5", "v3.1.0"] as const)("from an empty server to a family install, without the web UI (%s)", (version) => {
  it("the worker alone reaches admin, key, members, libraries scanned and albums shared; a second run writes nothing", async () => {
    const text = familySpec(version);
    const parsed = parseSpec(text);
    if (!parsed.ok) throw new Error("spec invalid");
    // The server boots from the rendered, filled config file (OAuth on), as both targets start it.
    const template = renderImmichConfigTemplate(parsed.value, "compose");
    const filled = fillTemplate(template, Object.fromEntries(templateKeys(template).map((k) => [k, secrets[k as keyof typeof secrets] ?? ""])));
    if (!filled.ok) throw new Error(`unfilled ${filled.missing.join(", ")}`);
    fake = await createFakeImmich({ version, configFile: true });
    fake.state.config = mergeConfig(immichConfigDefaults(fake.state.line), parse(filled.text) as ConfigObject);
    expect(fake.state.users.size).toBe(0);

    const specFile = join(dir, "immich-family.yaml");
    writeFileSync(specFile, text);
    const stateDir = join(dir, "state");
    const lines: string[] = [];
    const logger = createLogger({
      destination: new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    });
    const run = () =>
      runWorker({
        specFile,
        env: { IMMICH_URL: fake.url, ...secrets },
        stateDir,
        once: true,
        signal: new AbortController().signal,
        logger,
        tuning: { queuePollMs: 10, debounceMs: 0 },
      });
    await run();

    const ann = fake.state.userByEmail("ann@example.com")!;
    const bob = fake.state.userByEmail("bob@example.com")!;
    const dee = fake.state.userByEmail("dee@example.com")!;
    expect(ann).toMatchObject({ isAdmin: true, name: "Ann", password: "ann-first" });
    const [key] = [...fake.state.apiKeys.values()];
    expect(key).toMatchObject({ name: "immich-family worker", userId: ann.id });
    expect(key!.permissions).not.toContain("all");
    expect(bob).toMatchObject({ isAdmin: false, quotaSizeInBytes: 100 * 1024 ** 3, storageLabel: "bob", password: "bob-first", shouldChangePassword: true });
    expect(bob.preferences.folders).toEqual({ enabled: true, sidebarWeb: true });
    expect(bob.preferences.memories?.enabled).toBe(false);
    expect(dee).toMatchObject({ isAdmin: false, shouldChangePassword: false });
    const [library] = [...fake.state.libraries.values()];
    expect(library).toMatchObject({ ownerId: ann.id, name: "photos", importPaths: [`${tree.root}/photos`] });
    expect(fake.state.libraryAssets(library!.id)).toHaveLength(3);
    const albums = [...albumState(fake.state).albums.values()];
    expect(albums.map((a) => [a.albumName, a.ownerId, a.assetIds.size, Object.fromEntries(a.users)]).sort()).toEqual([
      ["Paris", ann.id, 1, { [bob.id]: "viewer", [dee.id]: "editor" }],
      ["Rome", ann.id, 2, { [bob.id]: "viewer", [dee.id]: "editor" }],
    ]);
    // dee's first OAuth login finds the account made for her.
    expect(fake.oauthLogin({ sub: "google-dee", email: "dee@example.com" }).user.id).toBe(dee.id);
    // The key is the worker's: never in a log line, nor the passwords.
    const log = lines.join("");
    for (const secret of [key!.secret, "ann-first", "bob-first"]) expect(log).not.toContain(secret);

    const writes = fake.writes().length;
    await run();
    expect(fake.writes().slice(writes)).toEqual([]);
  }, 30_000);
});
