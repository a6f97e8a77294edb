/**
 * Hostile and unlucky output folders for `render` (and `diff`, which must give the same verdict): a
 * crafted or broken record, links out of the folder, pipes, locks, temporary files of killed renders,
 * the spec kept in the folder, specs from standard input, control characters in names. Each case
 * builds its folder in `case/` (the spec is `case/immich-family.yaml`, the output `case/out` unless it
 * says otherwise; `case/../outside` holds a file no command may touch or print), runs one command and
 * names its exit code; what it prints is pinned per group in `folders.test.ts`.
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { RECORD_FILE } from "../../src/_owned-folder.js";
import { LOCK_FILE } from "../../src/_folder-lock.js";

export interface FolderCase {
  readonly name: string;
  /** `spec`: only the spec; `rendered`: the spec and a first render into `out` (Compose). */
  readonly start: "spec" | "rendered";
  /** Changes the case's folder `dir` (its parent holds `outside/secret`). */
  readonly setup?: (dir: string) => void;
  /** The command line after `immich-family`; `diff` runs the same with `render` swapped for `diff` when `parity` is set. */
  readonly args: readonly string[];
  /** Standard input, for `render -` (run through the built CLI). */
  readonly stdin?: string;
  readonly exit: 0 | 1 | 2;
  /** Paths under the case folder, besides render's own files, that the command may remove (temporary files of an earlier render). */
  readonly removes?: readonly string[];
  /** Where render's files land when that is not `--out` (a link to a folder). */
  readonly writesIn?: string;
  /** A refusal: `diff` with the same arguments must stop with the same message. */
  readonly parity?: true;
}

export const sha = (text: string | Buffer) => createHash("sha256").update(text).digest("hex");
export const OUTSIDE_SECRET = "OUTSIDE-SECRET-never-printed";

const out = (dir: string, ...rest: string[]) => join(dir, "out", ...rest);
const recordOf = (dir: string) => JSON.parse(readFileSync(out(dir, RECORD_FILE), "utf8")) as { files: Record<string, string> };
/** Put `entries` on the record (as a crafted record would), keeping what render wrote. */
const addToRecord = (dir: string, entries: Record<string, string>) => {
  const r = recordOf(dir);
  writeFileSync(out(dir, RECORD_FILE), JSON.stringify({ files: { ...r.files, ...entries } }));
};
const put = (path: string, text: string | Buffer) => {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
};
const outside = (dir: string) => join(dir, "..", "outside", "secret");
const specText = (dir: string) => readFileSync(join(dir, "immich-family.yaml"), "utf8");
const noWorker = (dir: string) => writeFileSync(join(dir, "immich-family.yaml"), specText(dir).replace("debounce: 1m", "enabled: false"));
const TEMP = "0123456789ab";
const RENDER = ["render", "--target", "compose", "--out", "out"];
const FORCE = [...RENDER, "--force"];
const IN_PLACE = ["render", "--target", "compose", "--out", "."];

/** The corpus in groups, each pinned as one inline snapshot: exit code and what the command printed, case by case. */
export const FOLDER_CORPUS = {
  "the record grants nothing by itself": [
    {
      name: "record lists a database file with its hash",
      start: "rendered",
      setup: (d) => {
        put(out(d, "data/db/PG_VERSION"), "16\n");
        addToRecord(d, { "data/db/PG_VERSION": sha("16\n") });
        noWorker(d);
      },
      args: RENDER,
      exit: 0,
    },
    {
      name: "record lists a database file, forced",
      start: "rendered",
      setup: (d) => {
        put(out(d, "data/db/PG_VERSION"), "16\n");
        addToRecord(d, { "data/db/PG_VERSION": sha("other") });
      },
      args: FORCE,
      exit: 0,
    },
    {
      name: "record lists the secrets env file",
      start: "rendered",
      setup: (d) => {
        put(out(d, ".env"), "DB_PASSWORD=hunter2\n");
        addToRecord(d, { ".env": sha("DB_PASSWORD=hunter2\n") });
      },
      args: FORCE,
      exit: 0,
    },
    {
      name: "record lists a path out of the folder",
      start: "rendered",
      setup: (d) => addToRecord(d, { "../../outside/secret": sha(OUTSIDE_SECRET) }),
      args: FORCE,
      exit: 0,
    },
    {
      name: "record lists an absolute path",
      start: "rendered",
      setup: (d) => addToRecord(d, { [outside(d)]: sha(OUTSIDE_SECRET) }),
      args: RENDER,
      exit: 0,
    },
    {
      name: "record lists the other target's file",
      start: "rendered",
      setup: (d) => {
        put(out(d, "worker.yaml"), "mine\n");
        addToRecord(d, { "worker.yaml": sha("mine\n") });
      },
      args: RENDER,
      exit: 0,
    },
    {
      name: "record keys named like Object.prototype members",
      start: "rendered",
      setup: (d) => {
        const kept = JSON.stringify(recordOf(d).files).slice(1, -1);
        writeFileSync(out(d, RECORD_FILE), `{"files":{${kept},"constructor":"${sha("x")}","__proto__":{"a":1},"toString":"${sha("y")}"}}`);
      },
      args: FORCE,
      exit: 0,
    },
    {
      name: "record entry with control characters in its name",
      start: "rendered",
      setup: (d) => addToRecord(d, { "\u001b[2Jevil\nname": sha("x") }),
      args: RENDER,
      exit: 0,
    },
    {
      name: "record entry whose hash is not a SHA-256",
      start: "rendered",
      setup: (d) => writeFileSync(out(d, RECORD_FILE), JSON.stringify({ files: { ...recordOf(d).files, "compose.yaml": "md5:abc" } })),
      args: RENDER,
      exit: 0,
    },
    {
      name: "record that is not JSON",
      start: "rendered",
      setup: (d) => writeFileSync(out(d, RECORD_FILE), "{ files: nope"),
      args: RENDER,
      exit: 1,
      parity: true,
    },
    {
      name: "record of 2 MiB",
      start: "rendered",
      setup: (d) => writeFileSync(out(d, RECORD_FILE), `{"files":{},"pad":"${"x".repeat(2 * 1024 * 1024)}"}`),
      args: RENDER,
      exit: 1,
      parity: true,
    },
    {
      name: "record that is a link to a file outside",
      start: "rendered",
      setup: (d) => {
        renameSync(out(d, RECORD_FILE), join(d, "saved-record.json"));
        symlinkSync(outside(d), out(d, RECORD_FILE));
      },
      args: RENDER,
      exit: 1,
      parity: true,
    },
    {
      name: "record that is a folder",
      start: "rendered",
      setup: (d) => {
        renameSync(out(d, RECORD_FILE), join(d, "saved-record.json"));
        mkdirSync(out(d, RECORD_FILE));
      },
      args: RENDER,
      exit: 1,
      parity: true,
    },
    {
      name: "record whose files is a list",
      start: "rendered",
      setup: (d) => writeFileSync(out(d, RECORD_FILE), '{"files":["compose.yaml"]}'),
      args: RENDER,
      exit: 1,
      parity: true,
    },
  ],
  "links, pipes and big files in the folder": [
    {
      name: "a rendered file replaced by a link to a file outside",
      start: "rendered",
      setup: (d) => {
        renameSync(out(d, "README.md"), join(d, "saved-readme.md"));
        symlinkSync(outside(d), out(d, "README.md"));
      },
      args: FORCE,
      exit: 1,
      parity: true,
    },
    {
      name: "a link where a new file goes",
      start: "spec",
      setup: (d) => {
        mkdirSync(out(d));
        symlinkSync(outside(d), out(d, "compose.yaml"));
      },
      args: FORCE,
      exit: 1,
      parity: true,
    },
    {
      name: "the worker's copy is a link to the spec",
      start: "spec",
      setup: (d) => {
        mkdirSync(out(d));
        symlinkSync(join(d, "immich-family.yaml"), out(d, "worker-spec.yaml"));
      },
      args: FORCE,
      exit: 1,
      parity: true,
    },
    {
      name: "a file render no longer writes replaced by a link out",
      start: "rendered",
      setup: (d) => {
        renameSync(out(d, "worker-spec.yaml"), join(d, "saved-copy.yaml"));
        symlinkSync(outside(d), out(d, "worker-spec.yaml"));
        noWorker(d);
      },
      args: FORCE,
      exit: 0,
    },
    {
      name: "--out is a link to a folder (the user's choice)",
      start: "spec",
      setup: (d) => {
        mkdirSync(join(d, "real"));
        symlinkSync(join(d, "real"), out(d));
      },
      args: RENDER,
      exit: 0,
      writesIn: "real",
    },
    {
      name: "a FIFO where a rendered file goes",
      start: "rendered",
      setup: (d) => {
        renameSync(out(d, "compose.yaml"), join(d, "saved-compose.yaml"));
        execFileSync("mkfifo", [out(d, "compose.yaml")]);
      },
      args: FORCE,
      exit: 1,
      parity: true,
    },
    {
      name: "a folder where a rendered file goes",
      start: "spec",
      setup: (d) => mkdirSync(out(d, "compose.yaml"), { recursive: true }),
      args: FORCE,
      exit: 1,
      parity: true,
    },
    {
      name: "a rendered file grown to 5 MiB",
      start: "rendered",
      setup: (d) => writeFileSync(out(d, "README.md"), Buffer.alloc(5 * 1024 * 1024, 0x61)),
      args: RENDER,
      exit: 1,
      parity: true,
    },
    {
      name: "--out is a file",
      start: "spec",
      setup: (d) => writeFileSync(out(d), "mine"),
      args: FORCE,
      exit: 1,
      parity: true,
    },
    {
      name: "--out with control characters, a file",
      start: "spec",
      setup: (d) => writeFileSync(join(d, "o\u001b[2J\nut"), "mine"),
      args: ["render", "--target", "compose", "--out", "o\u001b[2J\nut"],
      exit: 1,
      parity: true,
    },
  ],
  "one render at a time": [
    {
      name: "a live render's lock",
      start: "rendered",
      setup: (d) => writeFileSync(out(d, LOCK_FILE), JSON.stringify({ pid: process.pid, host: hostnameOf(), started: "2026-12-06T08:00:00.000Z" })),
      args: RENDER,
      exit: 1,
      parity: true,
    },
    {
      name: "a stale lock of a dead process",
      start: "rendered",
      setup: (d) => writeFileSync(out(d, LOCK_FILE), JSON.stringify({ pid: deadPid(), host: hostnameOf(), started: "2026-12-06T08:00:00.000Z" })),
      args: RENDER,
      exit: 0,
      removes: [`out/${LOCK_FILE}`],
    },
    {
      name: "a lock that names no process",
      start: "rendered",
      setup: (d) => writeFileSync(out(d, LOCK_FILE), "garbage"),
      args: RENDER,
      exit: 0,
      removes: [`out/${LOCK_FILE}`],
    },
    {
      name: "a lock with control characters in its host",
      start: "rendered",
      setup: (d) => writeFileSync(out(d, LOCK_FILE), JSON.stringify({ pid: 1, host: "evil\u001b]0;pwned\u0007", started: "x" })),
      args: RENDER,
      exit: 1,
      parity: true,
    },
  ],
  "temporary files of killed renders": [
    {
      name: "a killed render's temporary copy of a rendered file",
      start: "rendered",
      setup: (d) => writeFileSync(out(d, `.compose.yaml.${TEMP}.tmp`), "half"),
      args: RENDER,
      exit: 0,
      removes: [`out/.compose.yaml.${TEMP}.tmp`],
    },
    {
      name: "a killed render's temporary record and lock",
      start: "rendered",
      setup: (d) => {
        writeFileSync(out(d, `.${RECORD_FILE}.${TEMP}.tmp`), "{");
        writeFileSync(out(d, `.${LOCK_FILE}.${TEMP}.tmp`), "{");
      },
      args: RENDER,
      exit: 0,
      removes: [`out/.${RECORD_FILE}.${TEMP}.tmp`, `out/.${LOCK_FILE}.${TEMP}.tmp`],
    },
    {
      name: "a user's file named like a temporary file",
      start: "rendered",
      setup: (d) => writeFileSync(out(d, `.notes.md.${TEMP}.tmp`), "mine"),
      args: RENDER,
      exit: 0,
    },
    {
      name: "a link named like a temporary file",
      start: "rendered",
      setup: (d) => symlinkSync(outside(d), out(d, `.compose.yaml.${TEMP}.tmp`)),
      args: RENDER,
      exit: 0,
    },
  ],
  "the spec in the folder": [
    {
      name: "in place: render --out . beside the spec",
      start: "spec",
      args: IN_PLACE,
      exit: 0,
    },
    {
      name: "in place, forced, beside the spec and a record of an earlier release",
      start: "spec",
      setup: (d) => writeFileSync(join(d, RECORD_FILE), JSON.stringify({ files: { "immich-family.yaml": sha("the old copy") } })),
      args: [...IN_PLACE, "--force"],
      exit: 0,
    },
    {
      name: "in place beside a stranger's files, no record",
      start: "spec",
      setup: (d) => writeFileSync(join(d, "docker-compose.yml"), "services: {}\n"),
      args: IN_PLACE,
      exit: 1,
      parity: true,
    },
    {
      name: "the spec named like a rendered file",
      start: "spec",
      setup: (d) => renameSync(join(d, "immich-family.yaml"), join(d, "compose.yaml")),
      args: ["render", "compose.yaml", "--target", "compose", "--out", ".", "--force"],
      exit: 1,
      parity: true,
    },
    {
      name: "a spec where the worker's copy goes, not on the record, forced",
      start: "rendered",
      setup: (d) => {
        writeFileSync(out(d, RECORD_FILE), JSON.stringify({ files: { "compose.yaml": recordOf(d).files["compose.yaml"] } }));
        writeFileSync(out(d, "worker-spec.yaml"), specText(d).replace("rincewind", "mine"));
      },
      args: FORCE,
      exit: 1,
      parity: true,
    },
  ],
  "specs from standard input": [
    {
      name: "stdin: render - --out . --force beside the spec",
      start: "spec",
      args: ["render", "-", "--target", "compose", "--out", ".", "--force"],
      stdin: "SPEC",
      exit: 0,
    },
    {
      name: "stdin: an edited worker's copy is never replaced from a pipe",
      start: "rendered",
      setup: (d) => writeFileSync(out(d, "worker-spec.yaml"), `${readFileSync(out(d, "worker-spec.yaml"), "utf8")}# mine\n`),
      args: ["render", "-", "--target", "compose", "--out", "out", "--force"],
      stdin: "SPEC",
      exit: 1,
    },
    {
      name: "stdin: empty",
      start: "spec",
      args: ["render", "-", "--out", "out"],
      stdin: "",
      exit: 2,
    },
    {
      name: "stdin: over 1 MiB",
      start: "spec",
      args: ["render", "-", "--out", "out"],
      stdin: `# ${"x".repeat(1100 * 1024)}\n`,
      exit: 2,
    },
    {
      name: "a spec path with control characters that does not exist",
      start: "spec",
      args: ["render", "spec\u001b[31m.yaml", "--out", "out"],
      exit: 2,
    },
  ],
} satisfies Record<string, readonly FolderCase[]>;

/** A group of the corpus. */
export type FolderGroup = keyof typeof FOLDER_CORPUS;

function hostnameOf(): string {
  return hostname();
}

/** A process id that is not running: a child that has exited. */
function deadPid(): number {
  return Number(execFileSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }));
}
