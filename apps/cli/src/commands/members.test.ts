import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { minimalInput, secretRef } from "@family/test-kit";
import { describe, expect, it } from "vitest";
import { immichFixtureEach, runCommand, specText } from "../../test/helpers.js";
import { main } from "./members.js";

const fx = immichFixtureEach();

/** A spec of ann (admin), bob (quota, label, preferences) and cy (initial password), the worker's key in WORKER_KEY. */
function writeFamily(extra: Record<string, unknown> = {}) {
  const members = {
    ann: { name: "Ann", email: "ann@example.com", admin: true },
    bob: { name: "Bob", email: "bob@example.com", quota: "200Gi", storageLabel: "bob", preferences: { folders: true, tags: true } },
    cy: { name: "Cy", email: "cy@example.com", password: secretRef("CY_PASSWORD") },
    ...extra,
  };
  writeFileSync(
    join(fx.dir, "immich-family.yaml"),
    specText(minimalInput({}, { immich: { version: "v3.1.0" }, members, worker: { apiKey: secretRef("WORKER_KEY") } })),
  );
}
const env = () => ({ IMMICH_URL: fx.fake.url, WORKER_KEY: fx.adminKey, CY_PASSWORD: "cy-first" });
const run = (args: (string | undefined)[], flags: Record<string, unknown> = {}, e: Record<string, string> = env()) => runCommand(main, fx.dir, args, flags, e);

describe("members", () => {
  it("plan names each member and why, writes nothing; sync applies it; a second sync has nothing to do", async () => {
    writeFamily();
    fx.ann.name = "Annie";
    const plan = await run(["plan"]);
    expect(plan.code).toBe(0);
    expect(plan.out.split("\n")).toEqual([
      "ACTION       MEMBER  WHY",
      'update       ann     name "Annie" → "Ann"',
      'update       bob     name "bob" → "Bob"; quota unlimited → 200Gi; storage label (none) → bob',
      "preferences  bob     folders on, tags on",
      "create       cy      no account; initial password from the secrets, changed at first login",
      "Summary: 4 to change, 0 up to date; 0 waiting, 0 held, 0 not in the spec",
    ]);
    expect(fx.fake.writes()).toEqual([]);

    const sync = await run(["sync"]);
    expect(sync.code).toBe(0);
    expect(sync.out).toMatch(/^created\s+cy\s+no account/m);
    expect(sync.out).toMatch(
      /^Summary: 1 created, 0 restored, 2 updated, 1 preferences set, 0 partner shares made, 0 deleted, 0 failed; 0 waiting, 0 held, 0 not in the spec$/m,
    );
    expect(fx.fake.state.userByEmail("bob@example.com")).toMatchObject({ quotaSizeInBytes: 200 * 1024 ** 3, storageLabel: "bob" });
    expect(fx.fake.state.userByEmail("cy@example.com")).toMatchObject({ password: "cy-first", shouldChangePassword: true });
    expect(sync.out + sync.err).not.toContain("cy-first");

    const writes = fx.fake.writes().length;
    const again = await run(["sync"]);
    expect(again.out).toContain("nothing to do (3 members up to date)");
    expect(fx.fake.writes().length).toBe(writes);
  });

  it("lists an account the spec does not declare, and deletes it only with --prune", async () => {
    writeFamily();
    fx.fake.addUser({ email: "eve@example.com", name: "Eve" });
    fx.fake.addUser({ email: "mal@example.com", name: "Mal\n\x1b[31mroot" });
    const r = await run(["sync"]);
    expect(r.out).toContain("not in the spec: eve@example.com (Eve); left alone unless --prune");
    // A name from the server cannot break the line or colour the terminal.
    expect(r.out).toContain("not in the spec: mal@example.com (Mal\\n\\x1B[31mroot); left alone unless --prune");
    expect(fx.fake.state.userByEmail("eve@example.com")?.deletedAt).toBeNull();
    const pruned = await run(["sync"], { prune: true, output: "json" });
    const json = JSON.parse(pruned.out) as { applied: boolean; outcomes: string[]; plan: { changes: { kind: string; email: string }[] } };
    expect(json.applied).toBe(true);
    expect(json.plan.changes).toEqual([
      expect.objectContaining({ kind: "delete", email: "eve@example.com" }),
      expect.objectContaining({ kind: "delete", email: "mal@example.com" }),
    ]);
    expect(json.outcomes).toEqual(["deleted", "deleted"]);
    expect(fx.fake.state.userByEmail("eve@example.com")?.deletedAt).not.toBeNull();
  });

  it("exits 1 naming the member and the server's message when a step fails; 2 without a key or a known action", async () => {
    writeFamily();
    fx.fake.faults.add({ kind: "status", status: 500, method: "POST", path: "/admin/users" });
    const r = await run(["sync"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: cy \(cy@example.com\): create: create cy's account: HTTP 500: Injected failure$/m);
    expect(r.out).toMatch(/^failed\s+cy/m);
    expect((await run(["sync"], {}, { IMMICH_URL: fx.fake.url })).code).toBe(2);
    expect(await run(["apply"])).toMatchObject({ code: 2, err: expect.stringMatching(/plan or sync, got apply/) });
  });
});
