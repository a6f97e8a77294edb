import { describe, expect, it } from "vitest";
import { main } from "./doctor.js";
import { immichFixtureEach } from "../../test/helpers.js";

const fx = immichFixtureEach();

/** What doctor printed, with the fake's address and the fixture's folder in words. */
const shown = (out: readonly string[]) => out.join("\n").replaceAll(fx.fake.url, "<immich>").replaceAll(fx.dir, "<fixture>");

describe("immich-family doctor", () => {
  it("prints a pass table with a warning and exits 0 on a good setup", async () => {
    fx.fake.state.allowSetup = false;
    const { ctx, io } = fx.context();
    expect(await main(ctx, [], {})).toBe(0);
    // The fake still runs its stored config, which the rendered file would replace: a warning naming each key.
    expect(shown(io.out)).toMatchInlineSnapshot(`
      "CHECK                           STATUS  DETAIL
      server reachable                PASS    <immich>
      server version                  PASS    v3.1.0 (spec pins v3.1.0)
      admin sign-up closed            PASS    IMMICH_ALLOW_SETUP=false: no one can sign up as admin
      worker API key                  PASS    belongs to ann@example.com
      worker key is admin             PASS    ann@example.com is an admin (library endpoints are admin-only)
      worker key permissions          PASS    has all 9 needed
      member ann                      PASS    ann@example.com, admin
      member bob                      PASS    bob@example.com
      library owners exist            PASS    ann
      library family readable here    PASS    <fixture>/photos/family
      server config matches the spec  WARN    2 keys differ (the rendered config replaces the server's at its next start): library.scan.enabled: server true, spec false; server.externalDomain: server "", spec "https://photos.example.com"

      Summary: PASS, 10 passed, 0 failed, 1 warning, 0 skipped"
    `);
    expect(io.err).toEqual([]);
  });

  it("--output json: the same lines as objects, and `ok`", async () => {
    fx.fake.state.allowSetup = false;
    const { ctx, io } = fx.context();
    expect(await main(ctx, [], { output: "json" })).toBe(0);
    expect(shown(io.out)).toMatchInlineSnapshot(`
      "{
        "ok": true,
        "summary": {
          "passed": 10,
          "failed": 0,
          "warnings": 1,
          "skipped": 0
        },
        "checks": [
          {
            "check": "server reachable",
            "status": "pass",
            "detail": "<immich>"
          },
          {
            "check": "server version",
            "status": "pass",
            "detail": "v3.1.0 (spec pins v3.1.0)"
          },
          {
            "check": "admin sign-up closed",
            "status": "pass",
            "detail": "IMMICH_ALLOW_SETUP=false: no one can sign up as admin"
          },
          {
            "check": "worker API key",
            "status": "pass",
            "detail": "belongs to ann@example.com"
          },
          {
            "check": "worker key is admin",
            "status": "pass",
            "detail": "ann@example.com is an admin (library endpoints are admin-only)"
          },
          {
            "check": "worker key permissions",
            "status": "pass",
            "detail": "has all 9 needed"
          },
          {
            "check": "member ann",
            "status": "pass",
            "detail": "ann@example.com, admin"
          },
          {
            "check": "member bob",
            "status": "pass",
            "detail": "bob@example.com"
          },
          {
            "check": "library owners exist",
            "status": "pass",
            "detail": "ann"
          },
          {
            "check": "library family readable here",
            "status": "pass",
            "detail": "<fixture>/photos/family"
          },
          {
            "check": "server config matches the spec",
            "status": "warn",
            "detail": "2 keys differ (the rendered config replaces the server's at its next start): library.scan.enabled: server true, spec false; server.externalDomain: server \\"\\", spec \\"https://photos.example.com\\""
          }
        ],
        "rejectedKeys": []
      }"
    `);
  });

  it("exits 1 and names the missing permissions", async () => {
    const key = fx.fake.addApiKey(fx.ann, ["user.read", "library.read"]);
    const { ctx, io } = fx.context({ IMMICH_URL: fx.fake.url, WORKER_KEY: key });
    expect(await main(ctx, [], {})).toBe(1);
    expect(shown(io.out)).toMatchInlineSnapshot(`
      "CHECK                           STATUS  DETAIL
      server reachable                PASS    <immich>
      server version                  PASS    v3.1.0 (spec pins v3.1.0)
      admin sign-up closed            WARN    setup is still allowed (IMMICH_ALLOW_SETUP is not false): should the last admin be deleted, whoever reaches /api/auth/admin-sign-up becomes admin; set IMMICH_ALLOW_SETUP=false on the server
      worker API key                  PASS    belongs to ann@example.com
      worker key is admin             PASS    ann@example.com is an admin (library endpoints are admin-only)
      worker key permissions          FAIL    missing library.create (creating declared libraries), library.update (updating libraries and requesting scans), job.read (following scans (scan --wait, albums after scans)), adminUser.read (reading the family's accounts and preferences), adminUser.create (creating members' accounts), adminUser.update (keeping members' name, admin flag, quota, storage label and preferences), adminUser.delete (restoring deleted members' accounts (and members sync --prune))
      members                         SKIP    the worker key cannot list accounts (needs an admin's key with adminUser.read)
      library owners exist            PASS    ann
      library family readable here    PASS    <fixture>/photos/family
      server config matches the spec  SKIP    reading the server config needs an admin key with systemConfig.read

      Summary: FAIL, 6 passed, 1 failed, 1 warning, 2 skipped"
    `);
  });

  it("exits 2 when the server rejects the worker's key, naming where the key came from", async () => {
    const { ctx, io } = fx.context({ IMMICH_URL: fx.fake.url, WORKER_KEY: "not-a-key" });
    expect(await main(ctx, [], {})).toBe(2);
    expect(shown(io.out)).toMatchInlineSnapshot(`
      "CHECK                 STATUS  DETAIL
      server reachable      PASS    <immich>
      server version        PASS    v3.1.0 (spec pins v3.1.0)
      admin sign-up closed  WARN    setup is still allowed (IMMICH_ALLOW_SETUP is not false): should the last admin be deleted, whoever reaches /api/auth/admin-sign-up becomes admin; set IMMICH_ALLOW_SETUP=false on the server
      worker API key        FAIL    read the key's user: HTTP 401: Invalid API key. The server rejects the API key in WORKER_KEY: put a valid key there (Account Settings > API Keys on the server).

      Summary: FAIL, 2 passed, 1 failed, 1 warning, 0 skipped"
    `);
    expect(io.err).toEqual(["error: the server rejects the API key in WORKER_KEY: put a valid key there"]);
  });
});
