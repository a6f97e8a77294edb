import { createFakeImmich, type FakeImmich } from "@family/fake-immich";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempTree, testClient, testSpec } from "../../test/helpers.js";
import { describeAction } from "./plan.js";
import { workerKeyPermissions } from "../doctor/required-permissions.js";
import { reconcileLibraries } from "./reconcile.js";

let fake: FakeImmich;
let tree: ReturnType<typeof tempTree>;
let key: string;

beforeEach(async () => {
  fake = await createFakeImmich();
  const ann = fake.addUser({ email: "ann@example.com", isAdmin: true });
  fake.addUser({ email: "bob@example.com" });
  key = fake.addApiKey(ann, ["all"], "worker");
  tree = tempTree();
  tree.add("family/2024/a.jpg");
  tree.add("travel/trips/b.jpg");
});
afterEach(async () => {
  await fake.close();
  tree.cleanup();
});

const spec = () =>
  testSpec({
    family: { owner: "ann", path: `${tree.root}/family`, exclusionPatterns: ["**/raw/**"] },
    travel: { name: "Travel", owner: "bob", path: `${tree.root}/travel`, importPaths: ["trips"] },
  });

describe("reconcileLibraries", () => {
  it("creates the declared libraries with their owners, then a second run writes nothing", async () => {
    const client = testClient(fake.url, key);
    const first = await reconcileLibraries(client, spec());
    expect(first.problems).toEqual([]);
    expect(first.applied.map((a) => a.kind)).toEqual(["create", "create"]);
    const libs = [...fake.state.libraries.values()];
    expect(libs.map((l) => [l.name, fake.state.users.get(l.ownerId)?.email, l.importPaths, l.exclusionPatterns])).toEqual([
      ["family", "ann@example.com", [`${tree.root}/family`], ["**/raw/**"]],
      ["Travel", "bob@example.com", [`${tree.root}/travel/trips`], []],
    ]);
    const writes = fake.writes().length;
    const second = await reconcileLibraries(client, spec());
    expect(second.applied).toEqual([]);
    expect(second.plan.actions.map((a) => a.kind)).toEqual(["unchanged", "unchanged"]);
    expect(fake.writes()).toHaveLength(writes);
    expect(second.libraries.map((l) => l.id)).toEqual(libs.map((l) => l.id));
  });

  it("updates import paths and exclusion patterns that differ, and shows them in a dry run first", async () => {
    const client = testClient(fake.url, key);
    await reconcileLibraries(client, spec());
    const lib = [...fake.state.libraries.values()][0]!;
    lib.exclusionPatterns = ["**/old/**"];
    const dry = await reconcileLibraries(client, spec(), { dryRun: true });
    expect(dry.applied).toEqual([]);
    expect(dry.plan.actions.map(describeAction)[0]).toBe('update library family "family": exclusion patterns **/old/** → **/raw/**');
    expect(lib.exclusionPatterns).toEqual(["**/old/**"]);
    await reconcileLibraries(client, spec());
    expect(lib.exclusionPatterns).toEqual(["**/raw/**"]);
  });

  it("reports each invalid import path the server finds and does not push them", async () => {
    const client = testClient(fake.url, key);
    await reconcileLibraries(client, spec());
    const broken = testSpec({
      family: { owner: "ann", path: `${tree.root}/family`, importPaths: ["2024", "missing"], exclusionPatterns: ["**/raw/**"] },
    });
    const result = await reconcileLibraries(client, broken);
    expect(result.problems.map((p) => p.message)).toEqual([
      `import path ${tree.root}/family/missing: Path does not exist (ENOENT)`,
      "not updated: the server would reject invalid import paths; fix them and run again",
    ]);
    expect([...fake.state.libraries.values()][0]!.importPaths).toEqual([`${tree.root}/family`]);
  });

  it("works with a key scoped to what the doctor asks for, which the server's path check refuses", async () => {
    const ann = fake.state.userByEmail("ann@example.com")!;
    const scoped = fake.addApiKey(
      ann,
      workerKeyPermissions(spec()).map((n) => n.permission),
      "scoped",
    );
    const client = testClient(fake.url, scoped);
    const first = await reconcileLibraries(client, spec());
    expect([first.problems, first.applied.map((a) => a.kind)]).toEqual([[], ["create", "create"]]);
    const refused = fake.requests.filter((r) => r.path.endsWith("/validate"));
    expect(refused.map((r) => r.status)).toEqual([403, 403]);
    // An invalid path is still refused, by the update itself, with the server's reason.
    const broken = testSpec({ family: { owner: "ann", path: `${tree.root}/family`, importPaths: ["missing"], exclusionPatterns: ["**/raw/**"] } });
    await expect(reconcileLibraries(client, broken)).rejects.toThrow(/update library family: HTTP 400: .*missing/);
    expect([...fake.state.libraries.values()][0]!.importPaths).toEqual([`${tree.root}/family`]);
  });

  it("names an owner the server does not know and still creates the other libraries", async () => {
    fake.state.users.delete(fake.state.userByEmail("bob@example.com")!.id);
    const result = await reconcileLibraries(testClient(fake.url, key), spec());
    expect(result.problems).toEqual([{ handle: "travel", message: expect.stringContaining("owner bob (bob@example.com) is not a user the API key can see") }]);
    expect([...fake.state.libraries.values()].map((l) => l.name)).toEqual(["family"]);
  });

  it("fails with the server's reason when the key is not an admin's", async () => {
    const bob = fake.state.userByEmail("bob@example.com")!;
    await expect(reconcileLibraries(testClient(fake.url, fake.addApiKey(bob)), spec())).rejects.toThrow("list libraries: HTTP 403: Forbidden");
  });

  it("never deletes an undeclared library unless pruning, and dry-runs the deletion", async () => {
    const client = testClient(fake.url, key);
    const extra = fake.state.addLibrary({ ownerId: [...fake.state.users.values()][0]!.id, name: "Old" });
    await reconcileLibraries(client, spec());
    expect(fake.state.libraries.has(extra.id)).toBe(true);
    const dry = await reconcileLibraries(client, spec(), { prune: true, dryRun: true });
    expect(dry.plan.actions.filter((a) => a.kind === "delete").map(describeAction)).toEqual([`delete library "Old" (${extra.id}, 0 assets) — not in the spec`]);
    expect(fake.state.libraries.has(extra.id)).toBe(true);
    await reconcileLibraries(client, spec(), { prune: true });
    expect(fake.state.libraries.has(extra.id)).toBe(false);
    expect(fake.state.libraries.size).toBe(2);
  });

  it("does not create a duplicate when the create request's answer is lost", async () => {
    const lost = fake.faults.add({ method: "POST", path: "/libraries", kind: "drop-response", times: 1 });
    const result = await reconcileLibraries(testClient(fake.url, key), spec());
    expect(lost.hits()).toBe(1);
    expect(result.problems).toEqual([]);
    expect([...fake.state.libraries.values()].map((l) => l.name).sort()).toEqual(["Travel", "family"]);
    expect(result.libraries.map((l) => l.id)).toEqual([...fake.state.libraries.values()].map((l) => l.id));
  });

  it("retries a failed create and a dropped connection without creating a duplicate", async () => {
    fake.faults.add({ method: "POST", path: "/libraries", kind: "status", status: 502, times: 1 });
    const dropped = fake.faults.add({ method: "GET", path: "/libraries", kind: "drop", times: 1 });
    const result = await reconcileLibraries(testClient(fake.url, key), spec());
    expect(result.problems).toEqual([]);
    expect(dropped.hits()).toBe(1);
    expect(fake.state.libraries.size).toBe(2);
  });
});
