import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFakeImmich, type FakeImmich } from "@family/fake-immich";
import { minimalInput, secretRef } from "@family/test-kit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCommand, specText } from "../../test/helpers.js";
import { main } from "./bootstrap.js";

let fake: FakeImmich;
let dir: string;
beforeEach(async () => {
  fake = await createFakeImmich();
  dir = mkdtempSync(join(tmpdir(), "cli-bootstrap-"));
  const members = {
    ann: { name: "Ann", email: "ann@example.com", admin: true, password: secretRef("ANN_PASSWORD") },
    bob: { name: "Bob", email: "bob@example.com" },
  };
  writeFileSync(join(dir, "immich-family.yaml"), specText(minimalInput({}, { immich: { version: "v3.1.0" }, members })));
  mkdirSync(join(dir, "rendered"));
  writeFileSync(join(dir, "rendered", ".env"), "# filled by hand\nDB_PASSWORD=db-secret\nANN_PASSWORD=ann-first-pw\nIMMICH_API_KEY=\n", { mode: 0o600 });
});
afterEach(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = (flags: Record<string, unknown> = {}, env: Record<string, string> = { IMMICH_URL: fake.url.replace(/\/api$/, "") }) =>
  runCommand(main, dir, [], flags, env);

describe("bootstrap", () => {
  it("signs up the first admin with the password from the target's secrets file and writes the worker's key there, never printing it", async () => {
    const r = await run();
    expect(r.code).toBe(0);
    expect(r.out.split("\n")).toEqual([
      "  signed up ann (ann@example.com) as the first admin",
      expect.stringMatching(/^ {2}made the worker's key with \d+ permissions; kept in IMMICH_API_KEY in .*\/rendered\/\.env$/),
      expect.stringMatching(/^Summary: admin created, worker key created; IMMICH_API_KEY is in .*\/rendered\/\.env$/),
    ]);
    const [key] = [...fake.state.apiKeys.values()];
    const file = join(dir, "rendered", ".env");
    expect(readFileSync(file, "utf8")).toBe(`# filled by hand\nDB_PASSWORD=db-secret\nANN_PASSWORD=ann-first-pw\nIMMICH_API_KEY=${key!.secret}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(r.out + r.err).not.toContain(key!.secret);
    expect(r.out + r.err).not.toContain("ann-first-pw");

    const again = await run({ output: "json" });
    const json = JSON.parse(again.out) as Record<string, unknown>;
    expect(json).toMatchObject({ admin: "existed", key: "kept", keyName: "IMMICH_API_KEY" });
    expect(json).not.toHaveProperty("apiKey");
    expect(again.out).not.toContain(key!.secret);
  });

  it("--secrets-env names the file; bad input exits 2 with what to set", async () => {
    const other = join(dir, "deploy.env");
    writeFileSync(other, "ANN_PASSWORD=pw\n");
    expect((await run({ secretsEnv: other })).code).toBe(0);
    expect(readFileSync(other, "utf8")).toMatch(/^ANN_PASSWORD=pw\nIMMICH_API_KEY=\S+\n$/);
    expect(await run({}, {})).toMatchObject({ code: 2, err: expect.stringMatching(/^error: Set IMMICH_URL/) });
    const none = join(dir, "none.env");
    await fake.close();
    fake = await createFakeImmich();
    expect(await run({ secretsEnv: none })).toMatchObject({
      code: 2,
      err: "error: ANN_PASSWORD (members.ann.password) is not set: put ann's password in the secrets env file",
    });
    expect(fake.state.users.size).toBe(0);
  });
});
