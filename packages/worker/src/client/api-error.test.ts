import { createFakeImmich, type FakeImmich } from "@family/fake-immich";
import { getServerVersion, scanLibrary, searchAssets } from "@immich/sdk";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { testClient } from "../../test/helpers.js";
import type { ImmichApiError } from "./api-error.js";

let fake: FakeImmich;
let key: string;
beforeEach(async () => {
  fake = await createFakeImmich();
  const ann = fake.addUser({ email: "ann@example.com", isAdmin: true });
  key = fake.addApiKey(ann, ["all"], "worker");
});
afterEach(() => fake.close());

describe("API errors keep the server's own words", () => {
  it("from a call with a JSON response, whose error body the SDK parses", async () => {
    fake.faults.add({ kind: "status", status: 500, method: "GET", path: "/server/version", times: 1 });
    const client = testClient(fake.url, key);
    const error = (await client.once("server version", (opts) => getServerVersion(opts)).catch((e: unknown) => e)) as ImmichApiError;
    expect([error.kind, error.status]).toEqual(["server", 500]);
    expect(error.message).toBe("server version: HTTP 500: Injected failure");
  });

  it("from a v3 validation error, naming each field the server refused", async () => {
    await fake.close();
    fake = await createFakeImmich({ version: "v3.1.0" });
    const ann = fake.addUser({ email: "ann@example.com", isAdmin: true });
    const client = testClient(fake.url, fake.addApiKey(ann, ["all"], "worker"));
    const error = (await client
      .once("search assets", (opts) => searchAssets({ metadataSearchDto: { size: 1001 } }, opts))
      .catch((e: unknown) => e)) as ImmichApiError;
    expect([error.kind, error.status]).toEqual(["bad-request", 400]);
    expect(error.message).toBe("search assets: HTTP 400: Validation failed: size: size must not be greater than 1000");
  });

  it("from a call with no response body, whose error body the SDK leaves as text", async () => {
    fake.faults.add({ kind: "status", status: 500, method: "POST", path: /\/scan$/, times: 1 });
    const client = testClient(fake.url, key);
    const error = (await client
      .once("scan library", (opts) => scanLibrary({ id: "00000000-0000-4000-8000-000000000000" }, opts))
      .catch((e: unknown) => e)) as ImmichApiError;
    expect([error.kind, error.status]).toEqual(["server", 500]);
    expect(error.message).toBe("scan library: HTTP 500: Injected failure");
  });
});
