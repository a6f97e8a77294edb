import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILT_CLI, EXAMPLES } from "../test/helpers.js";

function validate(cacheDir: string) {
  const r = spawnSync(process.execPath, [BUILT_CLI, "validate", "ponder.yaml"], {
    cwd: EXAMPLES,
    encoding: "utf8",
    env: { ...process.env, IMMICH_FAMILY_CACHE_DIR: cacheDir },
  });
  return [r.status, r.stdout.trim(), r.stderr] as const;
}
const OK = [0, "Summary: ponder.yaml is valid, 0 errors, 0 warnings", ""] as const;

describe("built CLI: code cache of the cold-start commands", () => {
  it("writes a code cache on the first run and gives the same answer with it", () => {
    const dir = mkdtempSync(join(tmpdir(), "immich-family-cache-"));
    expect(validate(dir)).toEqual(OK);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^validate-\d+\.\d+\.\d+-v\d+\.\d+\.\d+-\w+-\d+-\d+\.bin$/);
    const cache = readFileSync(join(dir, files[0]!));
    expect(validate(dir)).toEqual(OK);
    expect(readFileSync(join(dir, files[0]!)).equals(cache)).toBe(true);
  });

  it("drops the command's caches of other builds by this Node when it writes a new one, and keeps the others", () => {
    const dir = mkdtempSync(join(tmpdir(), "immich-family-cache-"));
    const line = `${process.version}-${process.arch}`;
    const stale = [`validate-0.0.9-${line}-1-1.bin`, `validate-0.0.9-${line}-1-1.bin.77.tmp`];
    // Another Node's cache of the same command stays: each Node on the machine keeps its own.
    const others = [`render-0.0.9-${line}-1-1.bin`, "validate-0.0.9-v99.0.0-x64-1-1.bin", "notes.txt"];
    for (const f of [...stale, ...others]) writeFileSync(join(dir, f), "old");
    expect(validate(dir)).toEqual(OK);
    const files = readdirSync(dir);
    const fresh = files.filter((f) => f.startsWith("validate-") && f.includes(`-${line}-`) && f.endsWith(".bin"));
    expect(fresh).toHaveLength(1);
    expect(fresh[0]).not.toBe(stale[0]);
    expect(files.filter((f) => !fresh.includes(f)).sort()).toEqual([...others, stale[1]].sort());
  });

  it("rejects a corrupted cache, still answers, and writes a good one again", () => {
    const dir = mkdtempSync(join(tmpdir(), "immich-family-cache-"));
    validate(dir);
    const [file] = readdirSync(dir);
    writeFileSync(join(dir, file!), "not a V8 code cache");
    expect(validate(dir)).toEqual(OK);
    expect(readFileSync(join(dir, file!), "utf8")).not.toBe("not a V8 code cache");
  });

  it("writes the cache also when the command fails on bad input", () => {
    const dir = mkdtempSync(join(tmpdir(), "immich-family-cache-"));
    const r = spawnSync(process.execPath, [BUILT_CLI, "validate", "missing.yaml"], {
      cwd: EXAMPLES,
      encoding: "utf8",
      env: { ...process.env, IMMICH_FAMILY_CACHE_DIR: dir },
    });
    expect([r.status, r.stderr]).toEqual([2, "error: No spec at missing.yaml. Check the path, or run `immich-family init missing.yaml` to create one.\n"]);
    expect(readdirSync(dir)).toEqual([expect.stringMatching(/^validate-/)]);
  });

  it("works when the cache folder cannot be written", () => {
    const parent = mkdtempSync(join(tmpdir(), "immich-family-cache-"));
    writeFileSync(join(parent, "blocker"), "a file where the cache folder would be");
    expect(validate(join(parent, "blocker", "cache"))).toEqual(OK);
  });
});

describe("built CLI: the cold-start bundle loads the config-schema check on first use", () => {
  it("still refuses an unknown key of `immich.config`, at its line, in both cold-start bundles", () => {
    const dir = mkdtempSync(join(tmpdir(), "immich-family-config-"));
    const spec = readFileSync(join(EXAMPLES, "ponder.yaml"), "utf8").replace(/^immich:\n/m, "immich:\n  config:\n    ffmpeg:\n      bogusKey: 1\n");
    writeFileSync(join(dir, "spec.yaml"), spec);
    const line = spec.split("\n").indexOf("      bogusKey: 1") + 1;
    for (const command of [
      ["validate", "spec.yaml"],
      ["render", "spec.yaml", "--out", "out"],
    ]) {
      const r = spawnSync(process.execPath, [BUILT_CLI, ...command], {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, IMMICH_FAMILY_CACHE_DIR: join(dir, "cache") },
      });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(
        `spec.yaml:${line}:7: immich.config.ffmpeg.bogusKey: Immich v3 config ffmpeg.bogusKey: unknown key of Immich v3's config [immich-config]`,
      );
    }
    expect(readdirSync(dir).sort()).toEqual(["cache", "spec.yaml"]);
  });
});
