import { createFakeImmich, type FakeImmich } from "@family/fake-immich";
import { reconcileMembers } from "@family/immich-worker";
import { afterEach, describe, expect, it } from "vitest";
import { runImport } from "../commands/import.js";

let fake: FakeImmich | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe.each(["v2.7.5", "v3.1.0"] as const)("import round-trips the family (%s)", (version) => {
  it("storage labels, preferences and the key user's partner shares come back; members sync of the result changes nothing", async () => {
    fake = await createFakeImmich({ version });
    const ann = fake.addUser({ email: "ann@example.com", name: "Ann", isAdmin: true, storageLabel: "admin" });
    const bob = fake.addUser({ email: "bob@example.com", name: "Bob", storageLabel: "bob", quotaSizeInBytes: 200 * 1024 ** 3 });
    const cy = fake.addUser({ email: "cy@example.com", name: "Cy", storageLabel: "cy with spaces" });
    ann.preferences.folders = { enabled: true, sidebarWeb: true };
    bob.preferences.tags = { enabled: true, sidebarWeb: true };
    bob.preferences.memories = { ...bob.preferences.memories, enabled: false };
    fake.state.partners.push({ sharedById: ann.id, sharedWithId: bob.id, inTimeline: false }, { sharedById: bob.id, sharedWithId: cy.id, inTimeline: false });
    const apiKey = fake.addApiKey(ann);

    const { spec, text } = await runImport({ server: fake.url, apiKey });
    expect(spec.members.ann).toMatchObject({ storageLabel: "admin", preferences: { folders: true }, partners: ["bob"] });
    expect(spec.members.bob).toMatchObject({ storageLabel: "bob", quota: "200Gi", preferences: { tags: true, memories: false } });
    expect(spec.members.bob?.partners).toBeUndefined();
    expect(spec.members.cy?.storageLabel).toBeUndefined();
    expect(text).toContain('# - the storage label of cy@example.com ("cy with spaces"): not a folder name the spec accepts');
    expect(text).toContain(
      "# - partner shares made by members other than ann (an admin's key reads only its own user's): add members.<handle>.partners by hand",
    );

    const writes = fake.writes().length;
    const report = await reconcileMembers({ spec, baseUrl: fake.url, adminApiKey: apiKey, env: {}, apply: true, deep: true });
    expect(report.plan.changes).toEqual([]);
    expect(fake.writes().length).toBe(writes);
  });

  it("a server that will not give preferences or partners still imports, each listed as not mapped", async () => {
    fake = await createFakeImmich({ version });
    const ann = fake.addUser({ email: "ann@example.com", name: "Ann", isAdmin: true });
    fake.faults.add({ kind: "status", status: 500, path: /\/preferences$/ });
    fake.faults.add({ kind: "status", status: 403, path: "/partners" });
    const { spec, unmapped } = await runImport({ server: fake.url, apiKey: fake.addApiKey(ann) });
    expect(spec.members.ann).toMatchObject({ email: "ann@example.com", admin: true });
    expect(unmapped).toEqual(
      expect.arrayContaining(["the preferences of ann@example.com: the server answered 500", "the key user's partner shares: the server answered 403"]),
    );
  });

  it("a server in config-file mode is said to be one: the settings read are the file's, and the rendered config replaces it", async () => {
    fake = await createFakeImmich({ version, configFile: true });
    const ann = fake.addUser({ email: "ann@example.com", name: "Ann", isAdmin: true });
    fake.state.config.trash = { ...(fake.state.config.trash as object), days: 7 };
    const { spec, text, unmapped } = await runImport({ server: fake.url, apiKey: fake.addApiKey(ann) });
    const note = unmapped.find((u) => u.includes("config file"));
    expect(note).toContain("the server runs from a config file (IMMICH_CONFIG_FILE): the settings read are that file's");
    expect(note).toContain("after the switch-over the server reads the rendered config instead of that file");
    expect(text).toContain(`# - ${note}`);
    // The settings were still read: the file's trash days are in the spec.
    expect(spec.immich.trashDays).toBe(7);
  });

  it("a server not in config-file mode says nothing of a config file; one whose features cannot be read says so", async () => {
    fake = await createFakeImmich({ version });
    const ann = fake.addUser({ email: "ann@example.com", name: "Ann", isAdmin: true });
    const apiKey = fake.addApiKey(ann);
    expect((await runImport({ server: fake.url, apiKey })).unmapped.filter((u) => u.includes("config file"))).toEqual([]);
    fake.faults.add({ kind: "status", status: 500, path: "/server/features" });
    expect((await runImport({ server: fake.url, apiKey })).unmapped).toContain(
      "whether the server runs from a config file (GET /server/features): the server answered 500",
    );
  });
});
