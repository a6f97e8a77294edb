import { createUserAdmin, getConfig, getConfigDefaults, isHttpError, searchUsersAdmin, updateConfig } from "@immich/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { createFakeImmich, type FakeImmich } from "../server.js";

let fake: FakeImmich | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(version: "v2.7.5" | "v3.1.0", configFile = false) {
  fake = await createFakeImmich({ version, configFile });
  const key = fake.addApiKey(fake.addUser({ email: "admin@example.com", isAdmin: true }));
  return { baseUrl: fake.url, headers: { "x-api-key": key } };
}

async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (error) {
    if (isHttpError(error)) return { status: error.status, data: error.data as { message: unknown } };
    throw error;
  }
  throw new Error("expected the request to fail");
}

describe("system config and admin users of the fake", () => {
  it.each([
    ["v2.7.5", "libopus"],
    ["v3.1.0", "opus"],
  ] as const)("%s serves its line's defaults and stores a complete, valid config", async (version, opus) => {
    const opts = await start(version);
    const defaults = await getConfigDefaults(opts);
    expect(defaults.ffmpeg.acceptedAudioCodecs).toContain(opus);
    expect(await getConfig(opts)).toEqual(defaults);
    const changed = { ...defaults, trash: { enabled: true, days: 90 }, newVersionCheck: { ...defaults.newVersionCheck, enabled: false } };
    await updateConfig({ adminConfigDto: changed }, opts);
    expect((await getConfig(opts)).trash.days).toBe(90);
    expect(await getConfigDefaults(opts)).toEqual(defaults);

    const bad = await failure(updateConfig({ adminConfigDto: { ...defaults, trash: { enabled: true, days: -1 } } }, opts));
    expect(bad.status).toBe(400);
    const { trash: _, ...partial } = defaults;
    expect((await failure(updateConfig({ adminConfigDto: partial as typeof defaults }, opts))).status).toBe(400);
  });

  it("refuses a config update while a config file is in use", async () => {
    const opts = await start("v3.1.0", true);
    const res = await failure(updateConfig({ adminConfigDto: await getConfig(opts) }, opts));
    expect(res).toMatchObject({ status: 400, data: { message: "Cannot update configuration while IMMICH_CONFIG_FILE is in use" } });
  });

  it("creates users with a quota and lists them with admin fields", async () => {
    const opts = await start("v3.1.0");
    await createUserAdmin({ userAdminCreateDto: { email: "bo@example.com", name: "Bo", password: "x", quotaSizeInBytes: 1024 ** 3 } }, opts);
    expect((await failure(createUserAdmin({ userAdminCreateDto: { email: "bo@example.com", name: "Bo", password: "x" } }, opts))).status).toBe(400);
    const users = await searchUsersAdmin({}, opts);
    expect(users.map((u) => [u.email, u.isAdmin, u.quotaSizeInBytes])).toEqual([
      ["admin@example.com", true, null],
      ["bo@example.com", false, 1024 ** 3],
    ]);
  });
});
