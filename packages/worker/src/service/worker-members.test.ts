import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { createFakeImmich, type FakeImmich } from "@family/fake-immich";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { reconcileMembers } from "../members/reconcile.js";
import { testSpec } from "../../test/helpers.js";
import { createLogger } from "./logger.js";
import { WorkerService } from "./worker-service.js";

let fake: FakeImmich;
let stateDir: string;
let logs: Record<string, unknown>[];
beforeEach(async () => {
  fake = await createFakeImmich();
  stateDir = mkdtempSync(join(tmpdir(), "worker-members-"));
  logs = [];
});
afterEach(async () => {
  await fake.close();
  rmSync(stateDir, { recursive: true, force: true });
});

const until = async (cond: () => boolean, what: string, tries = 400) => {
  for (let i = 0; i < tries && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
};

describe("the worker service and the family's accounts", () => {
  it("flips back, at the next interval, an admin flag set in the web UI, with a log line naming who and why", async () => {
    const ann = fake.addUser({ email: "ann@example.com", name: "Ann", isAdmin: true });
    const bob = fake.addUser({ email: "bob@example.com", name: "Bob" });
    const key = fake.addApiKey(ann, ["all"], "worker");
    const spec = testSpec({});
    const logger = createLogger({
      destination: new Writable({
        write(chunk, _enc, done) {
          for (const line of String(chunk).split("\n")) if (line) logs.push(JSON.parse(line));
          done();
        },
      }),
    });
    const svc = new WorkerService({
      spec,
      url: fake.url,
      apiKey: key,
      stateDir,
      logger,
      port: 0,
      host: "127.0.0.1",
      memberIntervalMs: 30,
      reconcileMembers: ({ deep, onError }) =>
        reconcileMembers({ spec, baseUrl: fake.url, adminApiKey: key, env: {}, apply: true, deep, stateDir, client: { onError } }),
    });
    const running = svc.run();
    await until(() => logs.some((l) => l.msg === "watching libraries"), "the start");
    const syncs = () => fake.requests.filter((r) => r.path === "/admin/users").length;
    const start = syncs();
    await until(() => syncs() >= start + 2, "two more member syncs");
    expect(fake.writes()).toEqual([]);

    // The "web UI": a direct call makes bob an admin.
    bob.isAdmin = true;
    await until(() => logs.some((l) => l.member === "bob"), "the log line of bob's sync");
    expect(bob.isAdmin).toBe(false);
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 30,
        member: "bob",
        email: "bob@example.com",
        change: "update",
        outcome: "updated",
        msg: "member bob: update (admin flag removed (the spec says admin: false; it was set on the server))",
      }),
    );
    const metrics = await svc.metrics.registry.metrics();
    expect(metrics).toContain('immich_family_member_outcomes_total{outcome="updated"} 1');
    expect(metrics).toMatch(/immich_family_member_syncs_total\{depth="cheap",result="ok"\} [1-9]/);
    svc.stop();
    await running;
  });

  it("with a key made before member syncs (no adminUser permissions), says so once and goes on with the libraries", async () => {
    const ann = fake.addUser({ email: "ann@example.com", name: "Ann", isAdmin: true });
    const key = fake.addApiKey(ann, ["user.read", "library.read", "library.create", "library.update", "job.read"], "old worker key");
    const spec = testSpec({});
    const logger = createLogger({
      destination: new Writable({
        write(chunk, _enc, done) {
          for (const line of String(chunk).split("\n")) if (line) logs.push(JSON.parse(line));
          done();
        },
      }),
    });
    const svc = new WorkerService({
      spec,
      url: fake.url,
      apiKey: key,
      stateDir,
      logger,
      port: 0,
      host: "127.0.0.1",
      memberIntervalMs: 20,
      reconcileMembers: ({ deep, onError }) =>
        reconcileMembers({ spec, baseUrl: fake.url, adminApiKey: key, env: {}, apply: true, deep, stateDir, client: { onError } }),
    });
    const running = svc.run();
    await until(() => logs.some((l) => l.msg === "watching libraries"), "the start");
    await new Promise((r) => setTimeout(r, 150));
    svc.stop();
    await running;
    const skipped = logs.filter((l) => String(l.msg).startsWith("member sync skipped"));
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ level: 40 });
    expect(logs.filter((l) => l.msg === "member sync failed")).toEqual([]);
  });
});
