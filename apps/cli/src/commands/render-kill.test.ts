import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isComposeFile } from "@family/immich-compose";
import { describe, expect, it } from "vitest";
import { EXAMPLES, runCliAsync, startCli } from "../../test/helpers.js";
import { LOCK_FILE } from "../_folder-lock.js";
import { RECORD_FILE } from "../_owned-folder.js";

const SPEC = readFileSync(join(EXAMPLES, "family.yaml"), "utf8");
/** Specs that differ in what render writes and removes: the worker's copy comes and goes, compose.yaml changes. */
const VARIANTS = [SPEC, SPEC.replace("debounce: 1m", "enabled: false"), SPEC.replace("name: rincewind", "name: twoflower")];
const USER_FILES: Record<string, string> = {
  "out/data/db/PG_VERSION": "16\n",
  "out/.env": "IMMICH_DB_PASSWORD=hunter2\n",
  "out/notes.md": "# ours\n",
  "out/immich-family.yaml": "# a spec kept beside the install\n",
};
const sha = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function install(): string {
  const dir = mkdtempSync(join(tmpdir(), "immich-family-kill-"));
  for (const [path, text] of Object.entries(USER_FILES)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const renderArgs = (spec: string) => ["render", spec, "--target", "compose", "--out", "out", "--force"];

/** The folder as a finished render leaves it: no temporary file or lock, a record whose every file is there as recorded, and nothing of render's that the record does not list. */
function expectConsistent(dir: string): void {
  const names = readdirSync(join(dir, "out"));
  expect(names.filter((n) => n.endsWith(".tmp") || n === LOCK_FILE)).toEqual([]);
  const record = JSON.parse(readFileSync(join(dir, "out", RECORD_FILE), "utf8")) as { files: Record<string, string>; writing?: unknown };
  expect(record.writing).toBeUndefined();
  for (const [path, hash] of Object.entries(record.files)) expect({ path, hash: sha(readFileSync(join(dir, "out", path))) }).toEqual({ path, hash });
  expect(names.filter((n) => isComposeFile(n) && !(n in record.files))).toEqual([]);
  for (const [path, text] of Object.entries(USER_FILES)) expect({ path, text: readFileSync(join(dir, path), "utf8") }).toEqual({ path, text });
}

/**
 * Writing takes a few milliseconds of a render's start-up-bound run, so a random kill would almost
 * never land in it: a preloaded module makes every rename (each atomic write's last step) and link
 * (the lock) take 40 ms, so kills fall before, inside and after the writes.
 */
function slowWrites(dir: string): NodeJS.ProcessEnv {
  const file = join(dir, "slow-writes.cjs");
  writeFileSync(
    file,
    `const fs = require("node:fs");
for (const name of ["renameSync", "linkSync"]) {
  const real = fs[name];
  fs[name] = (...args) => { const end = Date.now() + 40; while (Date.now() < end); return real(...args); };
}
`,
  );
  return { NODE_OPTIONS: `--require ${file}` };
}

describe("renders killed at random moments", () => {
  it("leave no temporary file, a record the next render completes, and every user file intact", async () => {
    const dir = install();
    const env = slowWrites(mkdtempSync(join(tmpdir(), "immich-family-preload-")));
    for (const [i, text] of VARIANTS.entries()) writeFileSync(join(dir, `spec-${i}.yaml`), text);
    // The first render adopts the folder (it holds the user's files) and warms the code cache; the second times a
    // whole run as the later ones run (warm: a cold first run on a fast Node outlasted them all); those are killed at random.
    expect((await runCliAsync(renderArgs("spec-0.yaml"), dir, env)).status).toBe(0);
    const started = Date.now();
    expect((await runCliAsync(renderArgs("spec-2.yaml"), dir, env)).status).toBe(0);
    const whole = Date.now() - started;
    let killed = 0;
    for (let round = 0; round < 6; round++) {
      const run = startCli(renderArgs(`spec-${(round + 1) % VARIANTS.length}.yaml`), dir, env);
      await sleep(Math.floor(whole * (0.4 + 0.6 * Math.random())));
      run.child.kill("SIGKILL");
      const end = await run.exited;
      if (end.signal === "SIGKILL") killed++;
      else expect({ status: end.status, stderr: end.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    }
    expect(killed).toBeGreaterThan(0);
    const last = await runCliAsync(["render", "spec-1.yaml", "--target", "compose", "--out", "out"], dir);
    expect({ status: last.status, stderr: last.stderr }).toEqual({ status: 0, stderr: expect.not.stringContaining("error") });
    expectConsistent(dir);
    expect(readdirSync(join(dir, "out"))).not.toContain("worker-spec.yaml");
  });
});

describe("renders at the same time into one folder", () => {
  it("run one at a time: the others stop on the lock, and the folder is one render's, whole", async () => {
    const dir = install();
    for (const [i, text] of VARIANTS.entries()) writeFileSync(join(dir, `spec-${i}.yaml`), text);
    expect((await runCliAsync(renderArgs("spec-0.yaml"), dir)).status).toBe(0);
    const runs = await Promise.all([0, 1, 2, 0, 1, 2].map((i) => runCliAsync(renderArgs(`spec-${i}.yaml`), dir)));
    for (const r of runs)
      expect({ status: r.status, locked: r.status === 0 || /out is locked: another render \(process \d+, started .*\) is writing it/.test(r.stderr) }).toEqual({
        status: expect.any(Number),
        locked: true,
      });
    expect(runs.filter((r) => r.status === 0).length).toBeGreaterThan(0);
    expectConsistent(dir);
    // Whoever finished last, a render now finds the folder its own.
    expect((await runCliAsync(["render", "spec-2.yaml", "--target", "compose", "--out", "out"], dir)).status).toBe(0);
    expectConsistent(dir);
  });
});
