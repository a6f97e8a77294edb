import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseSpec } from "@family/immich-spec";
import { createFakeImmich } from "@family/fake-immich";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CommandContext } from "../_command.js";
import type { CliError } from "../_errors.js";
import { recordingIo, commandContext } from "../../test/helpers.js";
import { apiUrl, main } from "./import.js";

const FIXTURES = new URL("../../test/fixtures/adopt/", import.meta.url).pathname;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cli-import-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function context(env: NodeJS.ProcessEnv = {}) {
  const io = recordingIo();
  const ctx: CommandContext = commandContext(dir, io, env);
  return { ctx, io };
}

describe("immich-family import", () => {
  it("writes a valid, commented spec from a Compose folder and lists the keys to fill and what was not mapped", async () => {
    const { ctx, io } = context();
    expect(await main(ctx, [], { compose: join(FIXTURES, "truenas-compose"), out: "adopted.yaml" })).toBe(0);
    const text = readFileSync(join(dir, "adopted.yaml"), "utf8");
    expect(parseSpec(text, "adopted.yaml").ok).toBe(true);
    expect(text).toContain("password: ${IMMICH_DB_PASSWORD}");
    expect(text).toMatch(/# guessed: no server was read; the admin's real name and email/);
    expect(text).toMatch(/# Not mapped \(carry these over by hand if you need them\):\n# - compose: the server read its settings from \/config\/immich\.yaml/);
    expect(io.out[0]).toBe('Wrote adopted.yaml. Check the values marked "guessed:", then run `immich-family validate adopted.yaml`.');
    expect(io.out).toContain("Fill these keys in the secrets env file (values are never imported):");
    expect(io.out.some((l) => /^ {2}IMMICH_DB_PASSWORD +the current database password/.test(l))).toBe(true);
  });

  it("refuses to overwrite an existing file without --force, and leaves it as it was", async () => {
    writeFileSync(join(dir, "immich-family.yaml"), "mine\n");
    const { ctx } = context();
    await expect(main(ctx, [], { kubernetes: join(FIXTURES, "ponder-k8s") })).rejects.toMatchObject({
      code: "bad-arguments",
      exitCode: 2,
      message: "immich-family.yaml already exists. Pass --force to overwrite it, or name another file with --out.",
    });
    expect(readFileSync(join(dir, "immich-family.yaml"), "utf8")).toBe("mine\n");
    expect(await main(ctx, [], { kubernetes: join(FIXTURES, "ponder-k8s"), force: true })).toBe(0);
    expect(readFileSync(join(dir, "immich-family.yaml"), "utf8")).toContain("volumeHandle: luggage-ponder-fotos-nfs-octavo");
  });

  it("needs a source, a key for a server, and a folder with a compose file", async () => {
    const { ctx } = context();
    await expect(main(ctx, [], {})).rejects.toMatchObject({
      exitCode: 2,
      message: "Nothing to import from. Pass --server URL, --compose DIR and/or --kubernetes DIR.",
    });
    await expect(main(ctx, [], { server: "http://127.0.0.1:9" })).rejects.toMatchObject({
      exitCode: 2,
      message: "import --server needs an admin API key: set IMMICH_API_KEY or pass --api-key-file.",
    });
    await expect(main(ctx, [], { compose: dir })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/^No compose file in .* \(looked for compose\.yaml/),
    });
    await expect(main(context({ IMMICH_API_KEY: "k" }).ctx, [], { server: "http://127.0.0.1:9" })).rejects.toMatchObject({
      code: "server-unreachable",
      exitCode: 1,
    });
  });

  it("escapes the paths it names when the spec cannot be written", async () => {
    writeFileSync(join(dir, "file.txt"), "");
    const { ctx } = context();
    const failure = await main(ctx, [], { kubernetes: join(FIXTURES, "ponder-k8s"), out: "file.txt/spec\x1b[2J.yaml" }).catch((e: Error) => e);
    expect(failure).toMatchObject({ code: "write-failed", exitCode: 1, message: expect.stringContaining("file.txt/spec\\x1B[2J.yaml") });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: none may be printed
    expect((failure as Error).message).not.toMatch(/[\x00-\x1f]/);
  });

  it("a spec that does not validate as a whole is written, and each problem named at its line and column in that file, never in an internal document", async () => {
    const fake = await createFakeImmich({ version: "v3.1.0" });
    try {
      const ann = fake.addUser({ email: "ann@example.com", name: "Ann", isAdmin: true });
      // Every value is fine; together they are over the spec's 1 MiB (it once failed as "import:1:1", a position in JSON the user never sees).
      const patterns = Array.from({ length: 20_000 }, (_, i) => `**/${String(i).padStart(6, "0")}-${"x".repeat(48)}/**`);
      fake.state.addLibrary({ ownerId: ann.id, name: "Photos", importPaths: ["/mnt/photos"], exclusionPatterns: patterns });
      const { ctx, io } = context({ IMMICH_API_KEY: fake.addApiKey(ann) });
      const error = await main(ctx, [], { server: fake.url, out: "big.yaml" }).then(
        () => undefined,
        (e: unknown) => e as CliError,
      );
      expect(error).toMatchObject({ code: "check-failed", exitCode: 1 });
      expect(error?.message).toBe("Wrote big.yaml, but it does not validate (1 problem): fix each place below, then run `immich-family validate big.yaml`.");
      expect(error?.details[0]).toMatch(/^big\.yaml:1:1: the spec is 1\.\d MiB; a spec may be at most 1 MiB/);
      expect(error?.details.join("\n")).not.toMatch(/\bimport:\d/);
      const text = readFileSync(join(dir, "big.yaml"), "utf8");
      const reread = parseSpec(text, "big.yaml");
      expect(reread.ok).toBe(false);
      expect(reread.ok ? [] : reread.errors.map((d) => `${d.file}:${d.line}:${d.column}`)).toEqual(["big.yaml:1:1"]);
      expect(text).toContain("  photos:\n");
      expect(text).toContain(
        "# - the server's settings that differ from its defaults (immich.config): not compared, since the spec does not validate; fix what it names and import again",
      );
      expect(io.out).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it("takes the server's URL with or without /api", () => {
    expect(apiUrl("https://photos.example.com")).toBe("https://photos.example.com/api");
    expect(apiUrl("https://photos.example.com/api/")).toBe("https://photos.example.com/api");
  });
});
