import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, type Stats, statSync } from "node:fs";
import { join } from "node:path";
import { escapeControl } from "@family/immich-spec";
import { CliError } from "./_errors.js";

/**
 * Refuse (exit 2) a file to be read whole that is there but is not a regular file: a FIFO or device
 * read in Node's thread pool could block for ever, and a blocked read keeps Ctrl-C from ending the
 * process. A missing file is left to the reader, which names it.
 */
export function refuseIrregular(file: string, what: string): void {
  let regular = true;
  try {
    regular = statSync(file, { throwIfNoEntry: false })?.isFile() !== false;
  } catch {
    // The reader names what is wrong.
  }
  if (!regular) throw new CliError("bad-arguments", `${what} ${escapeControl(file)} is not a regular file; pass a file that holds it.`);
}

/** What sits at a path inside a folder, read without following a link and without blocking on a pipe. */
export type Found =
  | { readonly kind: "none" }
  /** A symbolic link (at the path or at a folder on the way): never followed. */
  | { readonly kind: "link" }
  /** A folder, pipe, device or socket; or a file where a folder on the way should be. */
  | { readonly kind: "folder" | "other" }
  /** A regular file over `limit` bytes: its size, not its content. */
  | { readonly kind: "big"; readonly size: number; readonly stats: Stats }
  | { readonly kind: "file"; readonly data: Buffer; readonly stats: Stats };

const lstat = (path: string) => lstatSync(path, { throwIfNoEntry: false });

/**
 * Read `rel` inside `dir` only if it is a regular file of at most `limit` bytes, reached without a
 * symbolic link below `dir` (the folder itself may be a link the user chose). A pipe is never opened
 * for reading (it could block forever), and a file that grows while read counts as too big.
 */
export function readInside(dir: string, rel: string, limit: number): Found {
  const parts = rel.split("/");
  let at = dir;
  for (const part of parts.slice(0, -1)) {
    at = join(at, part);
    const st = lstat(at);
    if (!st) return { kind: "none" };
    if (st.isSymbolicLink()) return { kind: "link" };
    if (!st.isDirectory()) return { kind: "other" };
  }
  const path = join(dir, rel);
  const st = lstat(path);
  if (!st) return { kind: "none" };
  if (st.isSymbolicLink()) return { kind: "link" };
  if (st.isDirectory()) return { kind: "folder" };
  if (!st.isFile()) return { kind: "other" };
  if (st.size > limit) return { kind: "big", size: st.size, stats: st };
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { kind: "none" };
    if (code === "ELOOP") return { kind: "link" };
    throw error;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { kind: "other" };
    if (stats.size > limit) return { kind: "big", size: stats.size, stats };
    const buffer = Buffer.alloc(Math.min(stats.size, limit) + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > limit) return { kind: "big", size: length, stats };
    return { kind: "file", data: buffer.subarray(0, length), stats };
  } finally {
    closeSync(fd);
  }
}
