import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { albumState, createFakeImmich, type FakeImmich, scanLibrary } from "@family/fake-immich";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { minimalInput, specText, runCommand } from "../../test/helpers.js";
import { main } from "./albums.js";

let fake: FakeImmich;
let dir: string;
let env: Record<string, string>;

beforeEach(async () => {
  fake = await createFakeImmich({ version: "v3.1.0" });
  dir = mkdtempSync(join(tmpdir(), "cli-albums-"));
  const root = join(dir, "photos");
  for (const f of ["2024/Rome/a.jpg", "2024/Rome/b.jpg", "2023/Paris/c.jpg"]) {
    mkdirSync(join(root, f, ".."), { recursive: true });
    writeFileSync(join(root, f), f);
  }
  const ann = fake.addUser({ email: "ann@example.com", isAdmin: true });
  fake.addUser({ email: "bob@example.com" });
  const library = fake.state.addLibrary({ ownerId: ann.id, name: "photos", importPaths: [root] });
  scanLibrary(fake.state, library);
  env = { IMMICH_URL: fake.url, IMMICH_API_KEY: fake.addApiKey(ann, ["all"], "admin") };
  const spec = minimalInput(
    { photos: { owner: "ann", path: root, albums: { levels: -1, shareWith: [{ member: "bob", role: "viewer" }] } } },
    { immich: { version: "v3.1.0" } },
  );
  writeFileSync(join(dir, "immich-family.yaml"), specText(spec));
});
afterEach(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = (args: (string | undefined)[], flags: Record<string, unknown> = {}, environment: Record<string, string> = env) =>
  runCommand(main, dir, args, flags, environment);

describe("albums", () => {
  it("plan prints a table of what sync would do and writes nothing", async () => {
    const r = await run(["plan"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("library photos:");
    expect(r.out).toMatch(/create\s+Paris\s+\+1 photo, \+1 share$/m);
    expect(r.out).toMatch(/create\s+Rome\s+\+2 photos, \+1 share$/m);
    expect(r.out).toMatch(/^Summary: 2 to create, 0 to change, 0 up to date, 0 skipped, 0 problems, 0 failures$/m);
    expect(fake.writes()).toEqual([]);
  });

  it("plan --output json gives the plan per library", async () => {
    const r = await run(["plan"], { output: "json" });
    const json = JSON.parse(r.out) as { applied: boolean; libraries: { library: string; plan: { changes: { create: { albumName: string } }[] } }[] };
    expect(json.applied).toBe(false);
    expect(json.libraries[0]?.plan.changes.map((c) => c.create.albumName)).toEqual(["Paris", "Rome"]);
  });

  it("sync applies the plan with log lines off a TTY; a second sync has nothing to do", async () => {
    const first = await run(["sync"]);
    expect(first.code).toBe(0);
    expect(first.err).toMatch(/photos: 2\/2 albums applied/);
    expect(first.out).toMatch(/^\s+created\s+Paris\s+\+1 photo, \+1 share$/m);
    expect(first.out).toMatch(
      /^Summary: 2 created, 0 updated, 0 repaired, 0 failed, 0 skipped; 3 photos added, 0 removed, 2 shares added, 0 deleted; 0 failures$/m,
    );
    expect([...albumState(fake.state).albums.values()].map((a) => a.albumName).sort()).toEqual(["Paris", "Rome"]);
    const writes = fake.writes().length;
    const second = await run(["sync"]);
    expect(second.out).toContain("nothing to do (2 albums up to date)");
    expect(fake.writes().length).toBe(writes);
  });

  it("plan shows a renamed folder as a rename, and sync keeps the album under its new name", async () => {
    await run(["sync"]);
    const id = [...albumState(fake.state).albums.values()].find((a) => a.albumName === "Rome")!.id;
    renameSync(join(dir, "photos/2024/Rome"), join(dir, "photos/2024/Roma"));
    scanLibrary(fake.state, [...fake.state.libraries.values()][0]!);
    const plan = await run(["plan"]);
    expect(plan.out).toMatch(/^\s+rename\s+Roma\s+was "Rome", 2 files moved, \+2 photos, set cover$/m);
    expect(plan.out).toMatch(/^Summary: 0 to create, 1 to rename, 0 to change, 1 up to date, 0 skipped, 0 problems, 0 failures$/m);
    const sync = await run(["sync"]);
    expect(sync.code).toBe(0);
    expect(sync.out).toMatch(/^\s+renamed\s+Roma\s+was "Rome", 2 files moved, \+2 photos, set cover$/m);
    expect(sync.out).toContain('  renamed "Rome" → "Roma" (same album: its shares, links, comments and cover kept)');
    expect(sync.out).toMatch(/^Summary: 0 created, 1 renamed, 0 updated, 0 repaired, 0 failed, 0 skipped; 2 photos added, .*; 0 failures$/m);
    expect([...albumState(fake.state).albums.values()].map((a) => [a.albumName, a.id === id])).toEqual([
      ["Paris", false],
      ["Roma", true],
    ]);
  });

  it("exits 1 and names the server's message when a step fails", async () => {
    fake.faults.add({ kind: "status", status: 500, method: "POST", path: "/albums", times: 1 });
    const r = await run(["sync"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error: album "(Paris|Rome)": create: create album: HTTP 500: Injected failure/);
    expect(r.out).toMatch(/^\s+failed\s+(Paris|Rome)\s+tried \+\d photos?, \+1 share; not done \(the error below\)$/m);
    expect(r.out).toMatch(/^Summary: 1 created, 0 updated, 0 repaired, 1 failed, 0 skipped; .*; 1 failure$/m);
  });

  it("names repaired albums, and tells them from albums that only took new files", async () => {
    await run(["sync"]);
    const rome = [...albumState(fake.state).albums.values()].find((a) => a.albumName === "Rome")!;
    rome.users.clear();
    mkdirSync(join(dir, "photos/2023/Paris"), { recursive: true });
    writeFileSync(join(dir, "photos/2023/Paris/new.jpg"), "new");
    scanLibrary(fake.state, [...fake.state.libraries.values()][0]!);
    const r = await run(["sync"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\s+updated\s+Paris\s+\+1 photo$/m);
    expect(r.out).toMatch(/^\s+repaired\s+Rome\s+\+1 share$/m);
    expect(r.out).toContain('  repaired album "Rome": shared with bob@example.com again');
    expect(r.out).toMatch(/^Summary: 0 created, 1 updated, 1 repaired, 0 failed, 0 skipped; 1 photo added, 0 removed, 1 share added, 0 deleted; 0 failures$/m);
  });

  it("a bad .albumprops: every problem listed, its album skipped, the rest synced, exit 3", async () => {
    const file = join(dir, "photos/2024/Rome/.albumprops");
    writeFileSync(file, "sort_order: sideways\ncolour: red\n");
    const r = await run(["sync"]);
    expect(r.code).toBe(3);
    expect(r.out).toContain(`  problem: ${file}:1:13: sort_order: expected one of asc, desc, got "sideways"`);
    expect(r.out).toContain(`  problem: ${file}:2:1: unknown key "colour"`);
    expect(r.out).toMatch(/^Summary: 1 created, .* 1 skipped; /m);
    expect([...albumState(fake.state).albums.values()].map((a) => a.albumName)).toEqual(["Paris"]);
  });

  it("asks for IMMICH_URL and a known action", async () => {
    expect(await run(["sync"], {}, {})).toMatchObject({ code: 2, err: expect.stringMatching(/Set IMMICH_URL/) });
    expect(await run(["apply"])).toMatchObject({ code: 2, err: expect.stringMatching(/plan or sync, got apply/) });
  });

  it("--library limits the run and names the libraries when the handle is unknown", async () => {
    const r = await run(["sync"], { library: "nope" });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/library nope does not exist or declares no albums \(libraries: photos\)/);
    expect(fake.writes()).toEqual([]);
    expect((await run(["sync"], { library: "photos" })).code).toBe(0);
  });

  it("--deep reads every album and repairs one whose count is right but whose photos are not", async () => {
    await run(["sync"]);
    const rome = [...albumState(fake.state).albums.values()].find((a) => a.albumName === "Rome")!;
    const paris = [...albumState(fake.state).albums.values()].find((a) => a.albumName === "Paris")!;
    const [stray] = [...paris.assetIds];
    const [kept, lost] = [...rome.assetIds];
    rome.assetIds.clear();
    rome.assetIds.add(kept!).add(stray!);
    expect((await run(["plan"])).out).toContain("nothing to do (2 albums up to date)");
    const deep = await run(["plan"], { deep: true });
    expect(deep.out).toMatch(/update\s+Rome\s+\+1 photo$/m);
    await run(["sync"], { deep: true });
    expect(rome.assetIds.has(lost!)).toBe(true);
  });

  it("--api-key-file gives the admin key when the env var is not set", async () => {
    const keyFile = join(dir, "admin.key");
    writeFileSync(keyFile, `${env.IMMICH_API_KEY}\n`);
    const { IMMICH_API_KEY: _, ...withoutKey } = env;
    const unset = await run(["sync"], {}, withoutKey);
    // Not set: the user's move (exit 2), naming the env var.
    expect([unset.code, unset.err]).toEqual([2, expect.stringMatching(/IMMICH_API_KEY is not set/)]);
    const r = await run(["sync"], { apiKeyFile: keyFile }, withoutKey);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Summary: 2 created/m);
  });
});
