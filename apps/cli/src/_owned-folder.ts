import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import type { RenderedFile } from "@family/immich-spec";
import { CliError } from "./_errors.js";
import { writeAtomicallySync } from "./_write.js";

/** The record render keeps in each folder it writes: every file it wrote there, with its SHA-256. */
export const RECORD_FILE = ".immich-family-render.json";

const RECORD_NOTE =
  "Written by `immich-family render`: the files it wrote in this folder and their SHA-256. A re-render replaces or removes only these files and leaves everything else here alone. `immich-family diff` shows what it would change.";

/**
 * What the record says, read leniently in one respect: while render writes, the record lists both
 * the old and the new hash of each file (`writing`), so a render cut short still owns what it wrote.
 */
interface RecordData {
  readonly files: Readonly<Record<string, string>>;
  readonly writing?: Readonly<Record<string, string>>;
}

/** Who a file on disk belongs to: render (as it wrote it), render but edited since, or the user (not on the record). */
export type Owner = "render" | "edited" | "user";

export type FileChange =
  | { readonly kind: "create"; readonly path: string; readonly after: string; readonly mode: number }
  | { readonly kind: "update"; readonly path: string; readonly before: string; readonly after: string; readonly mode: number; readonly owner: Owner }
  | { readonly kind: "remove"; readonly path: string; readonly before: string; readonly owner: Exclude<Owner, "user"> };

/** Why render will not write a folder as it is. `forceable` ones give way to `--force`. */
export interface Refusal {
  readonly message: string;
  readonly forceable: boolean;
  /** The file it is about, when it is about one file. */
  readonly path?: string;
}

export interface FolderPlan {
  /** Absolute path of the folder. */
  readonly dir: string;
  /** The folder as the user named it, for messages. */
  readonly shown: string;
  readonly changes: readonly FileChange[];
  readonly unchanged: readonly string[];
  readonly refusals: readonly Refusal[];
  /** The record a render writes last; `undefined` when it would be byte-identical to the one there. */
  readonly record: string | undefined;
  /** The hash of each file on disk that render owns or will own, for the record kept while writing. */
  readonly held: Readonly<Record<string, string>>;
}

const isSafePath = (path: string) =>
  path !== "" &&
  !path.startsWith("/") &&
  !path.includes("\\") &&
  !path.includes("\0") &&
  !path.split("/").some((part) => part === "" || part === "." || part === "..");

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

type OnDisk = { readonly kind: "none" | "folder" | "other" } | { readonly kind: "file"; readonly data: Buffer };

function onDisk(path: string): OnDisk {
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) return { kind: "none" };
    if (st.isFile()) return { kind: "file", data: readFileSync(path) };
    return { kind: st.isDirectory() ? "folder" : "other" };
  } catch (error) {
    // A file where a parent folder should be.
    if ((error as NodeJS.ErrnoException).code === "ENOTDIR") return { kind: "other" };
    throw new CliError("write-failed", `Cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Whether `path`'s parent folder, links resolved, is `dir` or inside it. */
function insideFolder(dir: string, path: string): boolean {
  const parent = realpathSync(dirname(join(dir, path)));
  const root = realpathSync(dir);
  return parent === root || parent.startsWith(`${root}${sep}`);
}

/** The record in `dir`, or why it cannot be used. */
function readRecord(dir: string): { record?: RecordData; text?: string; problem?: string } {
  const found = onDisk(join(dir, RECORD_FILE));
  if (found.kind === "none") return {};
  if (found.kind !== "file") return { problem: "it is not a file" };
  const text = found.data.toString("utf8");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { text, problem: `not JSON: ${(error as Error).message}` };
  }
  const table = (value: unknown, key: string): Record<string, string> | string => {
    if (value === undefined && key === "writing") return {};
    if (typeof value !== "object" || value === null || Array.isArray(value)) return `"${key}" is not an object`;
    for (const [path, hash] of Object.entries(value)) {
      if (!isSafePath(path) || path === RECORD_FILE) return `${JSON.stringify(path)} is not a path inside the folder`;
      if (typeof hash !== "string" || !/^[0-9a-f]{64}$/.test(hash)) return `the hash of ${JSON.stringify(path)} is not a SHA-256`;
    }
    return value as Record<string, string>;
  };
  const obj = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
  const files = table(obj.files, "files");
  if (typeof files === "string") return { text, problem: files };
  const writing = table(obj.writing, "writing");
  if (typeof writing === "string") return { text, problem: writing };
  return { text, record: Object.keys(writing).length > 0 ? { files, writing } : { files } };
}

function recordText(data: RecordData): string {
  const sorted = (t: Readonly<Record<string, string>>) =>
    Object.fromEntries(
      Object.keys(t)
        .sort()
        .map((k) => [k, t[k]]),
    );
  return `${JSON.stringify({ note: RECORD_NOTE, files: sorted(data.files), ...(data.writing ? { writing: sorted(data.writing) } : {}) }, null, 2)}\n`;
}

export interface PlanOptions {
  /** Absolute paths render must never write, e.g. the spec being rendered. */
  readonly protect?: readonly string[];
}

/**
 * Compare what render would write into `dir` with what is there, reading only. Render owns the
 * files on the folder's record; everything else in the folder is the user's and is never removed.
 */
export function planFolder(dir: string, shown: string, files: readonly RenderedFile[], options: PlanOptions = {}): FolderPlan {
  const refusals: Refusal[] = [];
  const changes: FileChange[] = [];
  const unchanged: string[] = [];
  const where = (path: string) => join(shown, path);
  const folder = onDisk(dir);
  const held: Record<string, string> = {};
  if (folder.kind !== "none" && folder.kind !== "folder") {
    return {
      dir,
      shown,
      changes,
      unchanged,
      record: undefined,
      held,
      refusals: [{ message: `${shown} is not a folder; render writes a folder there. Pick another --out.`, forceable: false }],
    };
  }
  const entries = folder.kind === "folder" ? readdirSync(dir) : [];
  const { record, text, problem } = entries.length > 0 ? readRecord(dir) : {};
  if (problem) {
    refusals.push({
      message: `${where(RECORD_FILE)} is not a record render can read (${problem}). Restore it, or pass --force to adopt the folder: render will then delete nothing.`,
      forceable: true,
    });
  } else if (!record && entries.length > 0) {
    refusals.push({
      message: `${shown} is not empty and has no ${RECORD_FILE}: render did not write it. Render into an empty folder, or pass --force to adopt it: render will still delete nothing it did not write.`,
      forceable: true,
    });
  }
  const known = (path: string): string[] => [record?.files[path], record?.writing?.[path]].filter((h): h is string => h !== undefined);
  const owner = (path: string, data: Buffer): Owner => {
    const hashes = known(path);
    return hashes.length === 0 ? "user" : hashes.includes(sha256(data)) ? "render" : "edited";
  };
  const real = (path: string) => {
    try {
      return realpathSync(path);
    } catch {
      return path;
    }
  };
  const protect = new Set((options.protect ?? []).map(real));
  const next: Record<string, string> = {};
  for (const file of files) {
    if (!isSafePath(file.path) || file.path === RECORD_FILE) throw new CliError("internal", `renderer produced an unsafe path: ${file.path}`);
    const path = join(dir, file.path);
    next[file.path] = sha256(file.content);
    if (protect.has(real(path))) {
      refusals.push({
        message: `${where(file.path)} is the spec being rendered; render never overwrites it. Render into another folder (--out).`,
        forceable: false,
      });
      continue;
    }
    const now = onDisk(path);
    const mode = file.mode ?? 0o644;
    if (now.kind === "none") changes.push({ kind: "create", path: file.path, after: file.content, mode });
    else if (now.kind !== "file")
      refusals.push({ message: `${where(file.path)}: render writes a file there, but something else is in the way. Move it away.`, forceable: false });
    else if (sha256(now.data) === next[file.path]) {
      unchanged.push(file.path);
      held[file.path] = sha256(now.data);
    } else {
      held[file.path] = sha256(now.data);
      const who = owner(file.path, now.data);
      changes.push({ kind: "update", path: file.path, before: now.data.toString("utf8"), after: file.content, mode, owner: who });
      if (who === "edited")
        refusals.push({
          message: `${where(file.path)} was edited since the last render (diff below). Move the change into the spec, or pass --force to overwrite it.`,
          forceable: true,
          path: file.path,
        });
      if (who === "user" && record)
        refusals.push({
          message: `${where(file.path)} is not on render's record, and render would overwrite it (diff below). Move it away, or pass --force to overwrite it.`,
          forceable: true,
          path: file.path,
        });
    }
  }
  const gone = [...new Set([...Object.keys(record?.files ?? {}), ...Object.keys(record?.writing ?? {})])].filter((p) => !(p in next)).sort();
  for (const path of gone) {
    const now = onDisk(join(dir, path));
    // A record names files inside the folder; one reached through a symbolic link to elsewhere is not render's.
    if (now.kind !== "file" || !insideFolder(dir, path)) continue;
    const who = owner(path, now.data) === "render" ? "render" : "edited";
    held[path] = sha256(now.data);
    changes.push({ kind: "remove", path, before: now.data.toString("utf8"), owner: who });
    if (who === "edited") {
      refusals.push({
        message: `${where(path)} was edited since the last render, and render no longer writes it (diff below). Move it away to keep it, or pass --force to remove it.`,
        forceable: true,
        path,
      });
    }
  }
  const nextText = recordText({ files: next });
  return { dir, shown, changes, unchanged, refusals, record: nextText === text ? undefined : nextText, held };
}

/**
 * Carry out a plan whose refusals were checked (or forced): write each new or changed file
 * atomically in place, remove the recorded files render no longer writes, then write the record.
 * Nothing else in the folder is touched. While writing, the record lists old and new hashes, so a
 * render cut short leaves a folder the next render still owns.
 */
export function applyPlan(plan: FolderPlan): void {
  if (plan.changes.length === 0 && plan.record === undefined) return;
  let done = 0;
  const writes = plan.changes.filter((c) => c.kind !== "remove");
  try {
    mkdirSync(plan.dir, { recursive: true });
    if (plan.changes.length > 0) {
      const writing = Object.fromEntries(writes.map((c) => [c.path, sha256(c.after)]));
      writeAtomicallySync(join(plan.dir, RECORD_FILE), recordText({ files: plan.held, writing }), 0o644);
    }
    for (const change of plan.changes) {
      const path = join(plan.dir, change.path);
      if (change.kind === "remove") rmSync(path, { force: true });
      else {
        mkdirSync(dirname(path), { recursive: true });
        writeAtomicallySync(path, change.after, change.mode);
      }
      done++;
    }
    if (plan.record !== undefined) writeAtomicallySync(join(plan.dir, RECORD_FILE), plan.record, 0o644);
  } catch (error) {
    const progress = done > 0 ? ` after ${done} of ${plan.changes.length} changes; ${RECORD_FILE} lists what was written, so render again to finish` : "";
    throw new CliError("write-failed", `Could not write ${plan.shown}${progress}: ${(error as Error).message}`, { cause: error });
  }
}

/** A plan's changes as one unified diff (paths as the user named the folder), `a/` old and `b/` new. */
export async function unifiedDiff(plan: FolderPlan, only?: (change: FileChange) => boolean): Promise<string> {
  const { createTwoFilesPatch } = await import("diff");
  const headers = { includeIndex: false, includeUnderline: false, includeFileHeaders: true };
  const name = (path: string) => join(plan.shown, path).split("\\").join("/");
  return plan.changes
    .filter((c) => only?.(c) ?? true)
    .map((c) => {
      const before = c.kind === "create" ? "" : c.before;
      const after = c.kind === "remove" ? "" : c.after;
      return createTwoFilesPatch(
        c.kind === "create" ? "/dev/null" : `a/${name(c.path)}`,
        c.kind === "remove" ? "/dev/null" : `b/${name(c.path)}`,
        before,
        after,
        undefined,
        undefined,
        { headerOptions: headers },
      );
    })
    .join("");
}
