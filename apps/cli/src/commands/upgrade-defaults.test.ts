import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFakeImmich, type FakeImmich } from "@family/fake-immich";
import { type ConfigObject, configValue, immichConfigDefaults, immichLine, mergeConfig, parseSpec, renderImmichConfigTemplate } from "@family/immich-spec";
import { parse } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import { paragraph, recordingIo } from "../../test/helpers.js";
import { runImport } from "./import.js";
import { runUpgrade } from "./upgrade.js";

let fake: FakeImmich | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** A spec imported from a v2.7.5 server left at its defaults, in a temp folder. */
async function importedFromV2(): Promise<{ cwd: string; file: string }> {
  fake = await createFakeImmich({ version: "v2.7.5" });
  const admin = fake.addUser({ email: "ann@example.com", name: "Ann", isAdmin: true });
  const { text } = await runImport({ server: fake.url, apiKey: fake.addApiKey(admin) });
  const cwd = mkdtempSync(join(tmpdir(), "upgrade-defaults-"));
  const file = join(cwd, "immich-family.yaml");
  writeFileSync(file, text);
  return { cwd, file };
}

/** What the server would run with after the upgrade: the rendered config file merged over the v3 defaults. */
function effectiveAccelDecode(file: string): unknown {
  const parsed = parseSpec(readFileSync(file, "utf8"), "immich-family.yaml");
  if (!parsed.ok) throw new Error("the upgraded spec does not validate");
  expect(parsed.value.immich.version).toBe("v3.1.0");
  const config = parse(renderImmichConfigTemplate(parsed.value, "compose")) as ConfigObject;
  return configValue(mergeConfig(immichConfigDefaults(immichLine(parsed.value)), config), ["ffmpeg", "accelDecode"]);
}

describe("upgrade from a v2.7.5 server's imported spec to v3.1.0", () => {
  it("--yes keeps hardware decoding off, as the v2 server ran it (ffmpeg.accelDecode stays false)", async () => {
    const { cwd, file } = await importedFromV2();
    // Imported with the defaults, so the spec carries no ffmpeg key of its own.
    expect(readFileSync(file, "utf8")).not.toContain("accelDecode");
    const io = recordingIo();
    expect(await runUpgrade(cwd, io, undefined, { to: "v3.1.0", yes: true })).toBe(0);
    expect(paragraph(io.out.join("\n"), "Defaults that change")).toMatchInlineSnapshot(`
      "Defaults that change (2; old → new, from each line's default table):
        ffmpeg.acceptedAudioCodecs  ["aac","mp3","libopus"] → ["aac","mp3","opus"]; spec: not set → the new default ["aac","mp3","opus"] applies: v3.x refuses the old value
        ffmpeg.accelDecode          false → true; spec: not set → pinned to the old false in immich.config (--accept-new-defaults takes the new one)"
    `);
    expect(effectiveAccelDecode(file)).toBe(false);
  });

  it("--accept-new-defaults lets v3's default apply: hardware decoding turns on, and the report said so", async () => {
    const { cwd, file } = await importedFromV2();
    const io = recordingIo();
    expect(await runUpgrade(cwd, io, undefined, { to: "v3.1.0", yes: true, acceptNewDefaults: true })).toBe(0);
    expect(paragraph(io.out.join("\n"), "Defaults that change")).toMatchInlineSnapshot(`
      "Defaults that change (2; old → new, from each line's default table):
        ffmpeg.acceptedAudioCodecs  ["aac","mp3","libopus"] → ["aac","mp3","opus"]; spec: not set → the new default ["aac","mp3","opus"] applies: v3.x refuses the old value
        ffmpeg.accelDecode          false → true; spec: not set → the new default true applies (--accept-new-defaults)"
    `);
    expect(effectiveAccelDecode(file)).toBe(true);
  });
});
