import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFakeImmich, type FakeImmich } from "@family/fake-immich";
import type { ImmichFamilySpecInput } from "@family/immich-spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { secretRef, testSpec } from "../../test/helpers.js";
import { bootstrap, bootstrapPermissions, WORKER_KEY_NAME } from "./bootstrap.js";
import { envFileKeyStore, stateDirKeyStore } from "./key-store.js";

let fake: FakeImmich;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "bootstrap-"));
});
afterEach(async () => {
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

const members: ImmichFamilySpecInput["members"] = {
  ann: { name: "Ann", email: "ann@example.com", admin: true, password: secretRef("ANN_PASSWORD") },
  bob: { name: "Bob", email: "bob@example.com" },
};
const spec = () => testSpec({ photos: { owner: "ann", path: "/mnt/photos", albums: { shareWith: [{ member: "bob" }] } } }, { members });
const env = { ANN_PASSWORD: "s3cret-pw" };
const keysOf = (f: FakeImmich) => [...f.state.apiKeys.values()];

describe.each(["v2.7.5", "v3.1.0"] as const)("bootstrap (%s)", (version) => {
  it("signs up the first admin, makes the worker's key with exactly the spec's permissions, keeps it 0600; a second run changes nothing", async () => {
    fake = await createFakeImmich({ version });
    const store = stateDirKeyStore(join(dir, "state"));
    const first = await bootstrap({ spec: spec(), baseUrl: fake.url, env, store });
    expect(first).toMatchObject({ admin: "created", key: "created" });
    const ann = fake.state.userByEmail("ann@example.com")!;
    expect(ann).toMatchObject({ isAdmin: true, name: "Ann", password: "s3cret-pw" });
    const [key] = keysOf(fake);
    expect(key).toMatchObject({ name: WORKER_KEY_NAME, userId: ann.id });
    expect([...key!.permissions].sort()).toEqual(bootstrapPermissions(spec()));
    expect(key!.permissions).not.toContain("all");
    expect(key!.permissions).toEqual(expect.arrayContaining(["library.create", "adminUser.create", "album.create", "albumUser.create"]));
    const file = join(dir, "state", "worker-api-key");
    expect(readFileSync(file, "utf8")).toBe(`${key!.secret}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.steps.join("\n")).not.toContain(key!.secret);
    expect(first.steps.join("\n")).not.toContain("s3cret-pw");

    const writes = fake.writes().length;
    const again = await bootstrap({ spec: spec(), baseUrl: fake.url, env, store });
    expect(again).toMatchObject({ admin: "existed", key: "kept", apiKey: key!.secret });
    expect(fake.writes().length).toBe(writes);
  });

  it("replaces a revoked key, and an under-permitted one whose old key it then deletes", async () => {
    fake = await createFakeImmich({ version });
    const store = stateDirKeyStore(dir);
    await bootstrap({ spec: spec(), baseUrl: fake.url, env, store });
    fake.state.apiKeys.clear();
    const revoked = await bootstrap({ spec: spec(), baseUrl: fake.url, env, store });
    expect(revoked).toMatchObject({ admin: "existed", key: "replaced" });
    expect(keysOf(fake)).toHaveLength(1);
    expect(await store.read()).toBe(revoked.apiKey);

    keysOf(fake)[0]!.permissions = ["library.read"];
    const narrow = await bootstrap({ spec: spec(), baseUrl: fake.url, env, store });
    expect(narrow.key).toBe("replaced");
    expect(narrow.steps).toContain(
      `deleted the worker's old key ${fake.requests
        .find((r) => r.method === "DELETE")
        ?.path.split("/")
        .pop()}`,
    );
    expect(keysOf(fake).map((k) => k.secret)).toEqual([narrow.apiKey]);
  });

  it("a key the user gives wins: used as it is, its missing permissions named, nothing made", async () => {
    fake = await createFakeImmich({ version });
    const ann = fake.addUser({ email: "ann@example.com", isAdmin: true, password: "s3cret-pw" });
    const given = fake.addApiKey(ann, ["library.read"], "by hand");
    const r = await bootstrap({ spec: spec(), baseUrl: fake.url, env, store: stateDirKeyStore(dir), givenKey: given });
    expect(r).toMatchObject({ admin: "existed", key: "given", apiKey: given });
    expect(r.missing).toContain("library.create");
    expect(fake.writes()).toEqual([]);
    fake.state.apiKeys.clear();
    await expect(bootstrap({ spec: spec(), baseUrl: fake.url, env, store: stateDirKeyStore(dir), givenKey: given })).rejects.toThrow(
      /The API key given in IMMICH_API_KEY is not valid \(revoked\?\)\. A key given by the user is never replaced/,
    );
  });

  it("says what to set when the first admin has no password secret, and when setup is turned off", async () => {
    fake = await createFakeImmich({ version });
    await expect(bootstrap({ spec: spec(), baseUrl: fake.url, env: {}, store: stateDirKeyStore(dir) })).rejects.toThrow(
      "ANN_PASSWORD (members.ann.password) is not set: put ann's password in the secrets env file",
    );
    await fake.close();
    fake = await createFakeImmich({ version, allowSetup: false });
    await expect(bootstrap({ spec: spec(), baseUrl: fake.url, env, store: stateDirKeyStore(dir) })).rejects.toThrow(/IMMICH_ALLOW_SETUP=false/);
    expect(fake.state.users.size).toBe(0);
  });
});

describe("the secrets env file as the key's store", () => {
  it("replaces only the key's line, keeps the rest and the file's mode, and refuses a link", async () => {
    const file = join(dir, ".env");
    writeFileSync(file, "# secrets\nDB_PASSWORD=x\nIMMICH_API_KEY=\nOTHER=y\n", { mode: 0o640 });
    const store = envFileKeyStore(file, "IMMICH_API_KEY");
    expect(await store.read()).toBeUndefined();
    await store.write("abc");
    expect(readFileSync(file, "utf8")).toBe("# secrets\nDB_PASSWORD=x\nIMMICH_API_KEY=abc\nOTHER=y\n");
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(await store.read()).toBe("abc");
    const fresh = envFileKeyStore(join(dir, "new", "secrets.env"), "WORKER_KEY");
    await fresh.write("k");
    expect(readFileSync(join(dir, "new", "secrets.env"), "utf8")).toBe("WORKER_KEY=k\n");
    expect(statSync(join(dir, "new", "secrets.env")).mode & 0o777).toBe(0o600);
    mkdirSync(join(dir, "elsewhere"));
    symlinkSync(join(dir, "elsewhere", "x"), join(dir, "link.env"));
    await expect(envFileKeyStore(join(dir, "link.env"), "K").write("k")).rejects.toThrow(/symbolic link/);
    expect(lstatSync(join(dir, "link.env")).isSymbolicLink()).toBe(true);
  });
});
