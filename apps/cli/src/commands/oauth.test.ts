import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { minimalInput, specText, EXAMPLES, runCommand } from "../../test/helpers.js";
import { main } from "./oauth.js";

const run = (args: (string | undefined)[], flags: Record<string, unknown> = {}, cwd = EXAMPLES) => runCommand(main, cwd, args, flags);

describe("oauth redirect-uris", () => {
  it("seed 000 (Google, one host): the three URIs the write-up registers", async () => {
    const r = await run(["redirect-uris", "ponder.yaml"], { output: "json" });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      preset: "google",
      issuerUrl: "https://accounts.google.com",
      mobileRelay: true,
      redirectUris: {
        webLogin: "https://immich.uu.am/auth/login",
        userSettings: "https://immich.uu.am/user-settings",
        mobile: "https://immich.uu.am/api/oauth/mobile-redirect",
      },
    });
  });

  it("seed 002 (Entra, mobile host): relay on the mobile host, all under the Web platform", async () => {
    const r = await run(["redirect-uris", "truenas.yaml"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("https://photos.example.org/auth/login");
    expect(r.out).toContain("https://photos.example.org/user-settings");
    expect(r.out).toContain("https://photos-mobile.example.org/api/oauth/mobile-redirect");
    expect(r.out).toContain("Issuer URL: https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0");
    expect(r.out).toContain("AADSTS700025");
  });

  it("generic without the relay lists the app callback instead", async () => {
    const dir = await mkdtemp(join(tmpdir(), "oauth-"));
    const spec = minimalInput(
      {},
      { immich: { version: "v3.1.0" }, auth: { oauth: { preset: "generic", issuerUrl: "https://id.example.com", clientId: "immich" } } },
    );
    await writeFile(join(dir, "immich-family.yaml"), specText(spec));
    const r = await run(["redirect-uris", undefined], { output: "json" }, dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).redirectUris.mobile).toBe("app.immich:///oauth-callback");
    expect(JSON.parse(r.out).mobileRelay).toBe(false);
  });

  it("says clearly when the spec has no OAuth", async () => {
    const dir = await mkdtemp(join(tmpdir(), "oauth-"));
    await writeFile(join(dir, "immich-family.yaml"), specText(minimalInput()));
    const r = await run(["redirect-uris", undefined], {}, dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain("The spec has no auth.oauth");
  });

  it("rejects an unknown action", async () => {
    expect((await run(["list"])).code).toBe(2);
  });
});
