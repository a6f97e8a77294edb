import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFakeImmich, type FakeImmich } from "@family/fake-immich";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ImmichFamilySpecInput } from "@family/immich-spec";
import { secretRef, testSpec } from "../../test/helpers.js";
import { type MembersReconcileOptions, reconcileMembers } from "./reconcile.js";

let fake: FakeImmich;
let stateDir: string;
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), "members-"));
});
afterEach(async () => {
  await fake.close();
  rmSync(stateDir, { recursive: true, force: true });
});

type Members = ImmichFamilySpecInput["members"];
const family = (members: Members, extra: Record<string, unknown> = {}) => testSpec({}, { members, ...extra });
const ANN = { name: "Ann", email: "ann@example.com", admin: true };

/** A fake with ann (admin) and the worker's key; the spec's secrets in env. */
async function setUp(version: "v2.7.5" | "v3.1.0" = "v3.1.0") {
  fake = await createFakeImmich({ version });
  const ann = fake.addUser({ email: "ann@example.com", name: "Ann", isAdmin: true, storageLabel: "admin" });
  const key = fake.addApiKey(ann, ["all"], "worker");
  return { ann, key };
}

const run = (members: Members, key: string, more: Partial<MembersReconcileOptions> = {}, env: Record<string, string> = {}) =>
  reconcileMembers({ spec: family(members), baseUrl: fake.url, adminApiKey: key, env, apply: true, stateDir, ...more });

describe.each(["v2.7.5", "v3.1.0"] as const)("members sync (%s)", (version) => {
  it("creates a member with the initial password, change at first login, quota, label and preferences; a second run writes nothing", async () => {
    const { key } = await setUp(version);
    const members = {
      ann: ANN,
      bob: {
        name: "Bob",
        email: "bob@example.com",
        password: secretRef("BOB_PASSWORD"),
        quota: "500Gi",
        storageLabel: "bob",
        preferences: { folders: true, tags: true, memories: false },
      },
    };
    const first = await run(members, key, {}, { BOB_PASSWORD: "initial-pw" });
    expect(first.ok).toBe(true);
    expect(first.outcomes).toEqual(["created"]);
    const bob = fake.state.userByEmail("bob@example.com")!;
    expect(bob).toMatchObject({
      name: "Bob",
      password: "initial-pw",
      shouldChangePassword: true,
      quotaSizeInBytes: 500 * 1024 ** 3,
      storageLabel: "bob",
      isAdmin: false,
    });
    expect(bob.preferences.folders).toEqual({ enabled: true, sidebarWeb: true });
    expect(bob.preferences.tags).toEqual({ enabled: true, sidebarWeb: true });
    expect(bob.preferences.memories?.enabled).toBe(false);
    expect(bob.preferences.people?.enabled).toBe(true);
    expect(JSON.stringify(fake.requests)).not.toContain(key);

    const writes = fake.writes().length;
    const before = fake.requests.length;
    const second = await run(members, key, {}, { BOB_PASSWORD: "initial-pw" });
    expect(second.plan.changes).toEqual([]);
    expect(second.plan.unchanged).toBe(2);
    expect(fake.writes().length).toBe(writes);
    expect(fake.requests.length - before).toBeLessThanOrEqual(3);
  });

  it("flips an admin flag set in the web UI back, says why, and never demotes the last admin or the key's own user", async () => {
    const { ann, key } = await setUp(version);
    const bob = fake.addUser({ email: "bob@example.com", name: "Bob" });
    const members = { ann: ANN, bob: { name: "Bob", email: "bob@example.com" } };
    bob.isAdmin = true;
    const r = await run(members, key);
    expect(r.plan.changes).toEqual([
      expect.objectContaining({
        kind: "update",
        handle: "bob",
        fields: { isAdmin: false },
        why: "admin flag removed (the spec says admin: false; it was set on the server)",
      }),
    ]);
    expect(bob.isAdmin).toBe(false);

    const demoted = await run({ ann: { ...ANN, admin: false }, bob: { name: "Bob", email: "bob@example.com", admin: false } }, key, { apply: false });
    expect(demoted.plan.changes).toEqual([]);
    expect(demoted.plan.held).toEqual(["ann (ann@example.com) stays admin: the worker's key is theirs, and Immich lets only another admin change that flag"]);
    expect(ann.isAdmin).toBe(true);
  });

  it("lists undeclared accounts and deletes them (soft) only with prune, never the key's user", async () => {
    const { key } = await setUp(version);
    const eve = fake.addUser({ email: "eve@example.com", name: "Eve" });
    const members = { ann: ANN };
    const listed = await run(members, key);
    expect(listed.plan.undeclared.map((u) => u.email)).toEqual(["eve@example.com"]);
    expect(eve.deletedAt).toBeNull();
    const pruned = await run({ bob: { name: "Bob", email: "bob@example.com", admin: true, password: secretRef("P") } }, key, { prune: true }, { P: "pw" });
    expect(pruned.plan.held).toEqual(["ann@example.com is not deleted: the worker's key is theirs"]);
    expect(pruned.outcomes).toEqual(["created", "deleted"]);
    expect(eve.deletedAt).not.toBeNull();
  });

  it("restores a declared member whose account was deleted on the server", async () => {
    const { key } = await setUp(version);
    const bob = fake.addUser({ email: "bob@example.com", name: "Bob" });
    bob.deletedAt = "2026-01-01T00:00:00.000Z";
    const r = await run({ ann: ANN, bob: { name: "Bob", email: "bob@example.com" } }, key);
    expect(r.outcomes).toEqual(["restored"]);
    expect(bob.deletedAt).toBeNull();
  });

  it("makes partner shares with the sharing member's key, and reports those without one as waiting", async () => {
    const { key } = await setUp(version);
    const bob = fake.addUser({ email: "bob@example.com", name: "Bob" });
    const cy = fake.addUser({ email: "cy@example.com", name: "Cy" });
    const bobKey = fake.addApiKey(bob, ["partner.read", "partner.create"], "bob");
    const members = {
      ann: { ...ANN, partners: ["cy"] },
      bob: { name: "Bob", email: "bob@example.com", apiKey: secretRef("BOB_KEY"), partners: ["cy", "ann"] },
      cy: { name: "Cy", email: "cy@example.com", apiKey: secretRef("CY_KEY"), partners: ["bob"] },
    };
    const r = await run(members, key, {}, { BOB_KEY: bobKey });
    expect(r.outcomes).toEqual(["partnered", "partnered"]);
    expect(fake.state.partners.map((p) => [p.sharedById, p.sharedWithId])).toEqual([
      [bob.id, cy.id],
      [bob.id, fake.state.userByEmail("ann@example.com")!.id],
    ]);
    expect(r.plan.waiting).toEqual([
      "ann → cy: partner share waits for members.ann.apiKey; Immich makes partner shares only with the sharing member's own key",
      "cy → bob: partner share waits for CY_KEY (members.cy.apiKey); Immich makes partner shares only with the sharing member's own key",
    ]);
    const writes = fake.writes().length;
    const again = await run(members, key, {}, { BOB_KEY: bobKey });
    expect(again.plan.changes).toEqual([]);
    expect(fake.writes().length).toBe(writes);
    fake.state.partners.pop();
    expect((await run(members, key, { apply: false }, { BOB_KEY: bobKey })).plan.changes).toEqual([]);
    expect((await run(members, key, { apply: false, deep: true }, { BOB_KEY: bobKey })).plan.changes).toEqual([
      expect.objectContaining({ kind: "partner", handle: "bob", partner: "ann" }),
    ]);
  });

  it("OAuth families: the account exists before the first login, which links it by email", async () => {
    const { key } = await setUp(version);
    fake.state.config = { ...fake.state.config, oauth: { ...(fake.state.config.oauth as object), enabled: true, autoRegister: false } };
    const oauth = { oauth: { preset: "google" as const, clientId: "id", clientSecret: secretRef("OAUTH_SECRET") } };
    const spec = testSpec({}, { members: { ann: ANN, dee: { name: "Dee", email: "dee@example.com" } }, auth: oauth });
    const r = await reconcileMembers({ spec, baseUrl: fake.url, adminApiKey: key, env: {}, apply: true, stateDir });
    expect(r.plan.changes).toEqual([expect.objectContaining({ kind: "create", handle: "dee", why: "no account; linked by email at the first OAuth login" })]);
    const dee = fake.state.userByEmail("dee@example.com")!;
    expect(dee.shouldChangePassword).toBe(false);
    expect(fake.oauthLogin({ sub: "google-dee", email: "dee@example.com" }).user.id).toBe(dee.id);
  });

  it("a password family member without a password secret waits, named", async () => {
    const { key } = await setUp(version);
    const r = await run({ ann: ANN, bob: { name: "Bob", email: "bob@example.com", password: secretRef("BOB_PASSWORD") } }, key);
    expect(r.plan.changes).toEqual([]);
    expect(r.plan.waiting).toEqual(["bob (bob@example.com): no account yet; BOB_PASSWORD (members.bob.password) is not set"]);
  });
});

describe("the members record", () => {
  it("a state dir that cannot be written is a note, not a failure: the sync is applied and the next run reads again", async () => {
    const { key } = await setUp();
    const blocked = join(stateDir, "a-file");
    writeFileSync(blocked, "not a folder");
    const r = await reconcileMembers({
      spec: family({ ann: ANN, bob: { name: "Bob", email: "bob@example.com", password: secretRef("P") } }),
      baseUrl: fake.url,
      adminApiKey: key,
      env: { P: "pw" },
      apply: true,
      stateDir: blocked,
    });
    expect(r.ok).toBe(true);
    expect(r.outcomes).toEqual(["created"]);
    expect(r.notes).toEqual([
      expect.stringMatching(/^cannot save .*a-file\/members\.json \((ENOTDIR|EEXIST)\); the next run reads every member's preferences and partners again$/),
    ]);
  });
});

describe("members sync cost", () => {
  it("a no-op sync of a 20-member family takes at most 3 requests and 0 writes", async () => {
    const { key } = await setUp();
    const members: Members = { ann: ANN };
    const env: Record<string, string> = {};
    for (let i = 1; i < 20; i++) {
      members[`m${i}`] = {
        name: `Member ${i}`,
        email: `m${i}@example.com`,
        quota: "10Gi",
        preferences: { folders: true },
        password: secretRef(`M${i}_PASSWORD`),
      };
      env[`M${i}_PASSWORD`] = `pw-${i}`;
    }
    const first = await run(members, key, {}, env);
    expect(first.outcomes?.filter((o) => o === "created")).toHaveLength(19);
    const writes = fake.writes().length;
    const before = fake.requests.length;
    const noop = await run(members, key, {}, env);
    expect(noop.plan.unchanged).toBe(20);
    expect(fake.writes().length).toBe(writes);
    expect(fake.requests.length - before).toBe(2);
  });
});
