import { randomBytes } from "node:crypto";
import { linkSync, lstatSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { escapeControl } from "@family/immich-spec";
import { CliError } from "./_errors.js";
import { readInside } from "./_safe-read.js";

/** The lock render holds in a folder while it plans and writes there: one render at a time. */
export const LOCK_FILE = ".immich-family-render.lock";

interface LockData {
  readonly pid: number;
  readonly host: string;
  readonly started: string;
}

/** Who holds the lock in `dir`, when someone does; `alive` is false only when that process is known to be gone. */
export function lockHolder(dir: string): (LockData & { readonly alive: boolean; readonly raw: string }) | undefined {
  const found = readInside(dir, LOCK_FILE, 4096);
  if (found.kind === "none") return undefined;
  let data: Partial<LockData> = {};
  if (found.kind === "file") {
    try {
      data = JSON.parse(found.data.toString("utf8")) as Partial<LockData>;
    } catch {
      // Not ours to read: below, a lock nobody can be named for.
    }
  }
  const pid = typeof data.pid === "number" && Number.isSafeInteger(data.pid) && data.pid > 0 ? data.pid : 0;
  const host = typeof data.host === "string" ? data.host : "";
  const started = typeof data.started === "string" ? data.started : "";
  const alive = pid === 0 ? found.kind !== "file" : host !== hostname() || processAlive(pid);
  return { pid, host, started, alive, raw: found.kind === "file" ? found.data.toString("utf8") : "" };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The message of a lock held by another live render. */
export function lockedMessage(shown: string, holder: LockData): string {
  const who =
    holder.pid > 0
      ? `render (process ${holder.pid}${holder.host && holder.host !== hostname() ? ` on ${escapeControl(holder.host)}` : ""}, started ${escapeControl(holder.started)})`
      : "render";
  return `${shown} is locked: another ${who} is writing it (${shown}/${LOCK_FILE}). Wait for it to finish; if no render runs, remove the lock file.`;
}

/** Temporary files a render writes next to a file (`writeAtomicallySync`) or the lock, by the name they stand in for. */
const TEMP = /^\.(.+)\.[0-9a-f]{12}\.tmp$/;

export interface HeldLock {
  /** What taking the lock found: a stale lock taken over, temporary files removed. */
  readonly notes: readonly string[];
  release(): void;
}

/**
 * Take the lock of `dir` (creating the folder, which `release` removes again while it is empty), take
 * over a lock whose process is gone (named in a note), and remove the temporary files an interrupted
 * render left beside the files it may write (`owns`). Throws the CliError `conflict` when a live
 * render holds the lock.
 */
export function lockFolder(dir: string, shown: string, owns: (name: string) => boolean): HeldLock {
  const notes: string[] = [];
  // Not a folder: the plan refuses it, and there is nothing to lock.
  if (!folderOrNothing(dir)) return { notes, release() {} };
  const created = mkdirCreated(dir);
  const lockPath = join(dir, LOCK_FILE);
  const mine: LockData = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  const text = `${JSON.stringify(mine)}\n`;
  for (let attempt = 0; ; attempt++) {
    // Created whole or not at all: a render killed here leaves a temporary file, never an empty lock.
    const tmp = join(dir, `.${LOCK_FILE}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      writeFileSync(tmp, text, { flag: "wx", mode: 0o644 });
      linkSync(tmp, lockPath);
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOENT: the lock's holder took this temporary file for an interrupted render's and removed it
      // before it was linked; try again, and meet that holder's lock.
      if (code === "ENOENT" && attempt < 3) continue;
      if (code !== "EEXIST" || attempt >= 3) {
        cleanup(created);
        throw new CliError("write-failed", `Could not lock ${shown}: ${escapeControl((error as Error).message)}`, { cause: error });
      }
    } finally {
      rmSync(tmp, { force: true });
    }
    const holder = lockHolder(dir);
    if (holder?.alive) {
      cleanup(created);
      throw new CliError("conflict", lockedMessage(shown, holder));
    }
    if (holder) {
      // Moved aside, not deleted: only one of two renders taking over the same stale lock gets it.
      const aside = join(dir, `.${LOCK_FILE}.${randomBytes(6).toString("hex")}.tmp`);
      try {
        renameSync(lockPath, aside);
        const moved = readInside(dir, aside.slice(dir.length + 1), 4096);
        if (moved.kind !== "file" || moved.data.toString("utf8") !== holder.raw) {
          // A live render's fresh lock, made since it was read: put it back, then meet it.
          linkSync(aside, lockPath);
          rmSync(aside, { force: true });
          continue;
        }
        rmSync(aside, { force: true });
        notes.push(
          holder.pid > 0
            ? `${shown}: took over the lock of render process ${holder.pid} (started ${escapeControl(holder.started)}), which is no longer running.`
            : `${shown}: took over a lock that names no process (an interrupted render's).`,
        );
      } catch {
        // Another render took it over first: try again, and meet its lock.
      }
    }
  }
  const held = () => {
    const now = readInside(dir, LOCK_FILE, 4096);
    if (now.kind === "file" && now.data.toString("utf8") === text) rmSync(lockPath, { force: true });
  };
  process.on("exit", held);
  const removed = removeTemps(dir, owns);
  if (removed.length > 0)
    notes.push(
      `${shown}: removed ${removed.length === 1 ? "a temporary file" : `${removed.length} temporary files`} an interrupted render left: ${removed.map(escapeControl).join(", ")}`,
    );
  return {
    notes,
    release() {
      process.off("exit", held);
      held();
      cleanup(created);
    },
  };
}

/** Remove the temporary files of an interrupted render: regular files named like the ones it writes beside `owns` files, the record or the lock. */
function removeTemps(dir: string, owns: (name: string) => boolean): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const stands = TEMP.exec(name)?.[1];
    if (stands === undefined || !owns(stands)) continue;
    const st = lstatSync(join(dir, name), { throwIfNoEntry: false });
    if (!st?.isFile()) continue;
    rmSync(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

function folderOrNothing(dir: string): boolean {
  try {
    return statSync(dir, { throwIfNoEntry: false })?.isDirectory() !== false;
  } catch {
    return false;
  }
}

/** `mkdir -p dir`, returning the folders it created, deepest first. */
function mkdirCreated(dir: string): string[] {
  const missing: string[] = [];
  for (let at = dir; !lstatSync(at, { throwIfNoEntry: false }); at = dirname(at)) {
    missing.push(at);
    if (dirname(at) === at) break;
  }
  const made: string[] = [];
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
      made.unshift(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") continue;
      cleanup(made);
      throw new CliError("write-failed", `Could not create ${escapeControl(folder)}: ${escapeControl((error as Error).message)}`, { cause: error });
    }
  }
  return made;
}

/** Remove the folders this render created, deepest first, while they are empty. */
function cleanup(created: readonly string[]): void {
  for (const folder of created) {
    try {
      rmdirSync(folder);
    } catch {
      return;
    }
  }
}
