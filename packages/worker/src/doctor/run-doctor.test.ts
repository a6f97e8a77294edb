import { createFakeImmich, type FakeImmich } from "@family/fake-immich";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempTree, testSpec } from "../../test/helpers.js";
import { albumKeyPermissions, memberKeyPermissions, workerKeyPermissions } from "./required-permissions.js";
import { runDoctor } from "./run-doctor.js";

let fake: FakeImmich;
let tree: ReturnType<typeof tempTree>;

beforeEach(async () => {
  // The server runs the line the test spec pins.
  fake = await createFakeImmich({ version: "v2.7.5" });
  tree = tempTree();
  tree.add("family/a.jpg");
  tree.add("bob/b.jpg");
});
afterEach(async () => {
  await fake.close();
  tree.cleanup();
});

const spec = () =>
  testSpec(
    {
      family: { owner: "ann", path: `${tree.root}/family`, albums: { shareWith: [{ member: "bob", role: "viewer" }] } },
      bobs: { owner: "bob", path: `${tree.root}/bob`, albums: { shareWith: [{ member: "ann" }] } },
    },
    { members: { ann: { name: "Ann", email: "ann@example.com", admin: true }, bob: { name: "Bob", email: "bob@example.com", apiKey: "${BOB_KEY}" } } },
  );

const table = (r: Awaited<ReturnType<typeof runDoctor>>) => r.checks.map((c) => `${c.status} ${c.check}: ${c.detail}`);

describe("runDoctor", () => {
  it("passes every check on a well-set-up server", async () => {
    const ann = fake.addUser({ email: "ann@example.com", isAdmin: true });
    const bob = fake.addUser({ email: "bob@example.com" });
    // The server runs the config the spec renders (as after a deploy with the rendered file).
    const config = fake.state.config as { library: { scan: { enabled: boolean } }; server: { externalDomain: string } };
    config.library.scan.enabled = false;
    config.server.externalDomain = "https://photos.example.com";
    fake.state.allowSetup = false;
    const report = await runDoctor({ spec: spec(), url: fake.url, apiKey: fake.addApiKey(ann), env: { BOB_KEY: fake.addApiKey(bob) } });
    expect(table(report)).toEqual([
      `pass server reachable: ${fake.url}`,
      "pass server version: v2.7.5 (spec pins v2.7.5)",
      "pass admin sign-up closed: IMMICH_ALLOW_SETUP=false: no one can sign up as admin",
      "pass worker API key: belongs to ann@example.com",
      "pass worker key is admin: ann@example.com is an admin (library endpoints are admin-only)",
      "pass worker key permissions: has all 9 needed",
      "pass member ann: ann@example.com, admin",
      "pass member bob: bob@example.com",
      "pass ann's key permissions: has all 10 needed",
      "pass ann sees share targets: GET /users lists bob",
      "pass bob's API key: belongs to bob@example.com",
      "pass bob's key permissions: has all 10 needed",
      "pass bob sees share targets: GET /users lists ann",
      "pass library owners exist: ann, bob",
      `pass library family readable here: ${tree.root}/family`,
      `pass library bobs readable here: ${tree.root}/bob`,
      expect.stringMatching(/^pass server config matches the spec: [0-9]+ keys the same$/),
    ]);
    expect(report.ok).toBe(true);
  });

  it("warns, never fails, on an empty library folder and on each server setting that differs from the rendered config", async () => {
    const ann = fake.addUser({ email: "ann@example.com", isAdmin: true });
    const bob = fake.addUser({ email: "bob@example.com" });
    tree.remove("bob/b.jpg");
    const report = await runDoctor({ spec: spec(), url: fake.url, apiKey: fake.addApiKey(ann), env: { BOB_KEY: fake.addApiKey(bob) } });
    expect(table(report)).toContain(`warn library bobs readable here: ${tree.root}/bob is empty: a new library, or a share that is not mounted here?`);
    expect(table(report)).toContain(
      'warn server config matches the spec: 2 keys differ (the rendered config replaces the server\'s at its next start): library.scan.enabled: server true, spec false; server.externalDomain: server "", spec "https://photos.example.com"',
    );
    expect(report.ok).toBe(true);
  });

  it("names what is wrong: non-admin key, missing permissions, the publicUsers trap, unreadable paths", async () => {
    const ann = fake.addUser({ email: "ann@example.com", isAdmin: false });
    const bob = fake.addUser({ email: "bob@example.com" });
    fake.state.publicUsers = false;
    tree.remove("bob");
    const report = await runDoctor({
      spec: spec(),
      url: fake.url,
      apiKey: fake.addApiKey(ann, ["user.read", "library.read", "asset.read", "album.read"]),
      env: { BOB_KEY: fake.addApiKey(bob) },
    });
    const failed = report.checks.filter((c) => c.status === "fail").map((c) => `${c.check}: ${c.detail}`);
    expect(failed).toEqual([
      "admin sign-up closed: the server has no admin: whoever reaches /api/auth/admin-sign-up first becomes it; run `immich-family bootstrap` now",
      "worker key is admin: ann@example.com is not an admin; library endpoints are admin-only: use an admin's key",
      "worker key permissions: missing library.create (creating declared libraries), library.update (updating libraries and requesting scans), job.read (following scans (scan --wait, albums after scans)), adminUser.read (reading the family's accounts and preferences), adminUser.create (creating members' accounts), adminUser.update (keeping members' name, admin flag, quota, storage label and preferences), adminUser.delete (restoring deleted members' accounts (and members sync --prune))",
      "ann's key permissions: missing asset.statistics (counting the library's assets), album.create (creating folder albums), album.update (updating folder albums), albumAsset.create (adding assets to albums), albumUser.create (sharing albums), albumUser.update (changing share roles), albumUser.delete (removing shares)",
      "ann sees share targets: GET /users with ann's key does not list bob (bob@example.com): non-admins only see themselves unless server.publicUsers is on; turn it on, or create these users",
      "bob sees share targets: GET /users with bob's key does not list ann (ann@example.com): non-admins only see themselves unless server.publicUsers is on; turn it on, or create these users",
      `library bobs readable here: ${tree.root}/bob: ENOENT — the worker must see the library at the same path as Immich`,
    ]);
    expect(report.ok).toBe(false);
  });

  it("points at publicUsers when the users exist but a member's key cannot see them", async () => {
    const ann = fake.addUser({ email: "ann@example.com", isAdmin: true });
    const bob = fake.addUser({ email: "bob@example.com" });
    fake.state.publicUsers = false;
    const report = await runDoctor({ spec: spec(), url: fake.url, apiKey: fake.addApiKey(ann), env: { BOB_KEY: fake.addApiKey(bob) } });
    expect(report.checks.find((c) => c.check === "bob sees share targets")).toEqual({
      check: "bob sees share targets",
      status: "fail",
      detail: "GET /users with bob's key does not list ann (ann@example.com): they exist, but non-admins only see themselves; turn on server.publicUsers",
    });
  });

  it("says when a user really does not exist", async () => {
    const ann = fake.addUser({ email: "ann@example.com", isAdmin: true });
    const report = await runDoctor({ spec: spec(), url: fake.url, apiKey: fake.addApiKey(ann), env: {} });
    expect(report.checks.filter((c) => c.status === "fail").map((c) => `${c.check}: ${c.detail}`)).toEqual([
      "member bob: no account for bob@example.com; `immich-family members sync` (the worker does it on its interval) creates it",
      "ann sees share targets: GET /users with ann's key does not list bob (bob@example.com): create these users (or have them log in once with OAuth)",
      "bob's API key: BOB_KEY is not set; albums of bobs belong to bob@example.com",
      "library owners exist: no Immich user for bob (bob@example.com)",
    ]);
  });

  it("warns about an admin flag and a quota that differ from the spec, and about setup left open; the probe creates nothing", async () => {
    const ann = fake.addUser({ email: "ann@example.com", isAdmin: true });
    const bob = fake.addUser({ email: "bob@example.com", isAdmin: true, quotaSizeInBytes: 1024 });
    const report = await runDoctor({ spec: spec(), url: fake.url, apiKey: fake.addApiKey(ann), env: { BOB_KEY: fake.addApiKey(bob) } });
    expect(report.checks.filter((c) => c.status === "warn" && c.check !== "server config matches the spec").map((c) => `${c.check}: ${c.detail}`)).toEqual([
      "admin sign-up closed: setup is still allowed (IMMICH_ALLOW_SETUP is not false): should the last admin be deleted, whoever reaches /api/auth/admin-sign-up becomes admin; set IMMICH_ALLOW_SETUP=false on the server",
      "member bob: bob@example.com is an admin, the spec says not; quota 1024 bytes, the spec says unlimited: `immich-family members sync` (the worker does it on its interval) sets it back",
    ]);
    expect(fake.state.users.size).toBe(2);
    expect(fake.writes()).toEqual([]);
  });

  it("asks the server to validate the import paths of libraries it already has", async () => {
    const ann = fake.addUser({ email: "ann@example.com", isAdmin: true });
    const bob = fake.addUser({ email: "bob@example.com" });
    fake.state.addLibrary({ ownerId: ann.id, name: "family", importPaths: [`${tree.root}/family`] });
    const ok = await runDoctor({ spec: spec(), url: fake.url, apiKey: fake.addApiKey(ann), env: { BOB_KEY: fake.addApiKey(bob) } });
    expect(ok.checks.find((c) => c.check === "library family readable by Immich")).toMatchObject({ status: "pass" });
    fake.state.mediaLocation = tree.root;
    const bad = await runDoctor({ spec: spec(), url: fake.url, apiKey: fake.addApiKey(ann), env: { BOB_KEY: fake.addApiKey(bob) } });
    expect(bad.checks.find((c) => c.check === "library family readable by Immich")).toEqual({
      check: "library family readable by Immich",
      status: "fail",
      detail: `${tree.root}/family: Cannot use media upload folder for external libraries`,
    });
  });

  it("skips the server's path check for a scoped key, which the server refuses it, and still passes", async () => {
    const ann = fake.addUser({ email: "ann@example.com", isAdmin: true });
    const bob = fake.addUser({ email: "bob@example.com" });
    fake.state.addLibrary({ ownerId: ann.id, name: "family", importPaths: [`${tree.root}/family`] });
    const scoped = [...workerKeyPermissions(spec()), ...memberKeyPermissions(spec()), ...albumKeyPermissions(spec(), ["family", "bobs"])].map(
      (n) => n.permission,
    );
    const report = await runDoctor({ spec: spec(), url: fake.url, apiKey: fake.addApiKey(ann, scoped), env: { BOB_KEY: fake.addApiKey(bob) } });
    expect(report.checks.find((c) => c.check === "library family readable by Immich")).toEqual({
      check: "library family readable by Immich",
      status: "skip",
      detail: "the server checks import paths (POST /libraries/{id}/validate) only for a key with the all permission; the paths are checked from here below",
    });
    expect(fake.requests.filter((r) => r.path.endsWith("/validate"))).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it("fails on an unreachable server, an unsupported version and a missing member key", async () => {
    const ann = fake.addUser({ email: "ann@example.com", isAdmin: true });
    const key = fake.addApiKey(ann);
    const down = await runDoctor({ spec: spec(), url: "http://127.0.0.1:9/api", apiKey: key, env: {}, timeoutMs: 500 });
    expect(table(down)).toEqual([expect.stringMatching(/^fail server reachable: ping: cannot reach the server/)]);
    fake.state.users.set(ann.id, ann);
    const old = await createFakeImmich({ version: "v1.132.0" });
    try {
      const oldReport = await runDoctor({ spec: spec(), url: old.url, apiKey: key, env: {} });
      expect(oldReport.checks[1]).toEqual({ check: "server version", status: "fail", detail: "v1.132.0 is not supported (v2.x or v3.x)" });
    } finally {
      await old.close();
    }
    const noBob = await runDoctor({ spec: spec(), url: fake.url, apiKey: key, env: {} });
    expect(noBob.checks.find((c) => c.check === "bob's API key")).toMatchObject({
      status: "fail",
      detail: "BOB_KEY is not set; albums of bobs belong to bob@example.com",
    });
  });

  it("a check the server fails (500 on /server/version after a good ping) is a failed line, and the rest still run", async () => {
    const ann = fake.addUser({ email: "ann@example.com", isAdmin: true });
    const bob = fake.addUser({ email: "bob@example.com" });
    fake.faults.add({ kind: "status", status: 500, path: "/server/version" });
    const report = await runDoctor({ spec: spec(), url: fake.url, apiKey: fake.addApiKey(ann), env: { BOB_KEY: fake.addApiKey(bob) } });
    expect(report.ok).toBe(false);
    expect(table(report).slice(0, 4)).toEqual([
      `pass server reachable: ${fake.url}`,
      expect.stringMatching(/^fail server version: read the version: HTTP 500/),
      expect.stringMatching(/^warn admin sign-up closed: setup is still allowed/),
      "pass worker API key: belongs to ann@example.com",
    ]);
    expect(table(report)).toContain(`pass library bobs readable here: ${tree.root}/bob`);
    expect(report.checks).toHaveLength(17);
  });
});
