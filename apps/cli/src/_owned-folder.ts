import { createHash } from "node:crypto";
import { accessSync, constants, mkdirSync, readdirSync, rmSync, type Stats, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { escapeControl, type RenderedFile } from "@family/immich-spec";
import { CliError } from "./_errors.js";
import { LOCK_FILE, lockedMessage, lockHolder } from "./_folder-lock.js";
import { type Found, readInside } from "./_safe-read.js";
import { writeAtomicallySync } from "./_write.js";

/** The record render keeps in each folder it writes: every file it wrote there, with its SHA-256. */
export const RECORD_FILE = ".immich-family-render.json";

/** The largest record render reads; a bigger one is not a record render can use. */
export const RECORD_LIMIT = 1024 * 1024;
/** The largest file render compares with what it would write; a bigger one counts as edited (or the user's). */
export const COMPARE_LIMIT = 4 * 1024 * 1024;

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

/** A change to one file; what is on disk now is read again only to show a diff (`beforeText`). */
export type FileChange =
  | { readonly kind: "create"; readonly path: string; readonly after: string; readonly mode: number }
  | { readonly kind: "update"; readonly path: string; readonly after: string; readonly mode: number; readonly owner: Owner }
  | { readonly kind: "remove"; readonly path: string; readonly owner: Exclude<Owner, "user"> };

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
  /** The folder as the user named it, control characters escaped, for messages. */
  readonly shown: string;
  readonly changes: readonly FileChange[];
  readonly unchanged: readonly string[];
  readonly refusals: readonly Refusal[];
  /** What render leaves alone and says so: record entries it ignores, a former spec copy. */
  readonly notes: readonly string[];
  /** The record a render writes last; `undefined` when it would be byte-identical to the one there. */
  readonly record: string | undefined;
  /** The hash of each file on disk that render owns or will own, for the record kept while writing. */
  readonly held: Readonly<Record<string, string>>;
}

/** A file render must never write, replace or remove: the spec it renders, by path and by identity (links, hard links). */
export interface ProtectedFile {
  readonly path?: string;
  readonly dev: number;
  readonly ino: number;
}

export interface PlanOptions {
  /** Whether the target's renderer can write `path`: the closed set of names render may overwrite or remove. The record adds nothing to it. */
  readonly canWrite: (path: string) => boolean;
  /** Names earlier releases wrote that render now leaves alone (the spec copy once shared the spec's name). */
  readonly former?: readonly string[];
  /** The spec being rendered. */
  readonly protect?: readonly ProtectedFile[];
  /** Whether to skip the lock check (render holds the lock itself). */
  readonly locked?: boolean;
}

const isSafePath = (path: string) =>
  path !== "" &&
  !path.startsWith("/") &&
  !path.includes("\\") &&
  !path.includes("\0") &&
  !path.split("/").some((part) => part === "" || part === "." || part === "..");

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/** Whether `text` is an immich-family spec (its top-level apiVersion and kind), which render never overwrites or removes. */
export function looksLikeSpec(data: Buffer): boolean {
  const text = data.toString("utf8");
  return /^kind:[ \t]*["']?ImmichFamily["']?[ \t]*(#.*)?$/m.test(text) && /^apiVersion:[ \t]*["']?immich-family\.dev\//m.test(text);
}

/** The identity of a file (following links), for `ProtectedFile`; `undefined` when there is none. */
export function identityOf(path: string): ProtectedFile | undefined {
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    return st?.isFile() ? { path, dev: st.dev, ino: st.ino } : undefined;
  } catch {
    return undefined;
  }
}

const sameFile = (a: Stats, b: ProtectedFile) => a.dev === b.dev && a.ino === b.ino;

/** The record in `dir`, or why it cannot be used; entries outside the closed set are left out with a note. */
function readRecord(
  dir: string,
  where: (p: string) => string,
  options: PlanOptions,
): { record?: RecordData; text?: string; problem?: string; notes: string[] } {
  const notes: string[] = [];
  const found = readInside(dir, RECORD_FILE, RECORD_LIMIT);
  if (found.kind === "none") return { notes };
  if (found.kind === "link") return { notes, problem: "it is a symbolic link; render never follows one" };
  if (found.kind === "big") return { notes, problem: `it is ${found.size} bytes, over the limit of ${RECORD_LIMIT}` };
  if (found.kind !== "file") return { notes, problem: "it is not a file" };
  const text = found.data.toString("utf8");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { notes, text, problem: `not JSON: ${(error as Error).message}` };
  }
  const former = new Set(options.former ?? []);
  const table = (value: unknown, key: string): Record<string, string> | string => {
    if (value === undefined && key === "writing") return {};
    if (typeof value !== "object" || value === null || Array.isArray(value)) return `"${key}" is not an object`;
    const kept: Record<string, string> = {};
    for (const [path, hash] of Object.entries(value)) {
      const shown = escapeControl(JSON.stringify(path));
      if (former.has(path))
        notes.push(
          `${where(path)}: an earlier release wrote the worker's copy of the spec under this name; it is now written under its own name, so render no longer lists ${shown} and never touches it. Delete it yourself if it is not your spec.`,
        );
      else if (!isSafePath(path) || path === RECORD_FILE || path === LOCK_FILE || !options.canWrite(path))
        notes.push(`${where(RECORD_FILE)} lists ${shown}, a file render never writes here: ignored (render neither overwrites nor removes it).`);
      else if (typeof hash !== "string" || !/^[0-9a-f]{64}$/.test(hash))
        notes.push(`${where(RECORD_FILE)}: the hash of ${shown} is not a SHA-256: ignored (render treats the file as not on its record).`);
      else kept[path] = hash;
    }
    return kept;
  };
  const obj = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
  const files = table(obj.files, "files");
  if (typeof files === "string") return { notes, text, problem: files };
  const writing = table(obj.writing, "writing");
  if (typeof writing === "string") return { notes, text, problem: writing };
  return { notes: [...new Set(notes)], text, record: Object.keys(writing).length > 0 ? { files, writing } : { files } };
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

/** Why the folder cannot be written at all, when it cannot: checked before anything else, by diff too. */
function unwritable(dir: string): string | undefined {
  let at = dir;
  for (;;) {
    try {
      const st = statSync(at, { throwIfNoEntry: false });
      if (st) {
        if (!st.isDirectory()) return undefined;
        accessSync(at, constants.W_OK | constants.X_OK);
        return undefined;
      }
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "ENOTDIR" ? undefined : (error as Error).message;
    }
    if (dirname(at) === at) return undefined;
    at = dirname(at);
  }
}

/**
 * Compare what render would write into `dir` with what is there, reading only. Render may overwrite
 * or remove a file only when the target's renderer can write its name (`canWrite`) and the folder's
 * record says render wrote it as it is; everything else in the folder is the user's.
 */
export function planFolder(dir: string, shownRaw: string, files: readonly RenderedFile[], options: PlanOptions): FolderPlan {
  const shown = escapeControl(shownRaw);
  const where = (path: string) => escapeControl(join(shownRaw, path));
  const opened = openFolder(dir, shown);
  if ("refusal" in opened) return { dir, shown, changes: [], unchanged: [], notes: [], record: undefined, held: {}, refusals: [opened.refusal] };
  const { folder } = opened;
  const protect = options.protect ?? [];
  const isSpec = (stats: Stats) => protect.some((p) => sameFile(stats, p));
  const read = folder ? readRecord(dir, where, options) : { notes: [] as string[] };
  const plan: Planning = {
    dir,
    where,
    record: read.record,
    isSpec,
    changes: [],
    unchanged: [],
    refusals: folderRefusals({ dir, shown, where, folder }, isSpec, read),
    notes: read.notes,
    held: {},
  };
  const next: Record<string, string> = {};
  for (const file of files) planWrite(plan, file, options, next);
  planRemovals(plan, next);
  const nextText = recordText({ files: next });
  const { changes, unchanged, notes, held } = plan;
  return {
    dir,
    shown,
    changes,
    unchanged,
    refusals: settledRefusals(plan.refusals, dir, shown, options),
    notes,
    record: nextText === read.text ? undefined : nextText,
    held,
  };
}

/**
 * Without the lock, a live render holding the folder is the one refusal: what was read may be its
 * half-written state (a spec copy already new, its record not yet). Asked after reading, so a render
 * that took the lock meanwhile is met too.
 */
function settledRefusals(refusals: Refusal[], dir: string, shown: string, options: PlanOptions): Refusal[] {
  if (options.locked) return refusals;
  const holder = lockHolder(dir);
  return holder?.alive ? [{ message: lockedMessage(shown, holder), forceable: false }] : refusals;
}

/** A folder's plan as it is made: what it reads (its record, the spec to protect) and what it finds. */
interface Planning {
  readonly dir: string;
  /** A path in the folder as the user named it, for messages. */
  readonly where: (path: string) => string;
  readonly record: RecordData | undefined;
  readonly isSpec: (stats: Stats) => boolean;
  readonly changes: FileChange[];
  readonly unchanged: string[];
  readonly refusals: Refusal[];
  readonly notes: string[];
  readonly held: Record<string, string>;
}

/** The folder's stats (undefined: not there yet), or why render cannot write a folder there at all. */
function openFolder(dir: string, shown: string): { readonly folder: Stats | undefined } | { readonly refusal: Refusal } {
  const notAFolder = { refusal: { message: `${shown} is not a folder; render writes a folder there. Pick another --out.`, forceable: false } };
  let folder: Stats | undefined;
  try {
    folder = statSync(dir, { throwIfNoEntry: false });
  } catch {
    return notAFolder;
  }
  if (folder && !folder.isDirectory()) return notAFolder;
  const cannot = unwritable(dir);
  if (cannot)
    return { refusal: { message: `${shown} cannot be written: ${escapeControl(cannot)}. Pick another --out, or fix its permissions.`, forceable: false } };
  return { folder };
}

/** Refusals about the folder as a whole: another render holds it, its record is unreadable, or it is not empty and has none. */
function folderRefusals(
  { dir, shown, where, folder }: { dir: string; shown: string; where: (path: string) => string; folder: Stats | undefined },
  isSpec: (stats: Stats) => boolean,
  read: { readonly record?: RecordData; readonly problem?: string },
): Refusal[] {
  const refusals: Refusal[] = [];
  const isSpecAt = (path: string) => {
    try {
      const st = statSync(path, { throwIfNoEntry: false });
      return st !== undefined && isSpec(st);
    } catch {
      return false;
    }
  };
  // The spec being rendered and render's own lock do not make a folder "not empty".
  const entries = folder ? readdirSync(dir).filter((name) => name !== LOCK_FILE && !isSpecAt(join(dir, name))) : [];
  if (read.problem) {
    refusals.push({
      message: `${where(RECORD_FILE)} is not a record render can read (${escapeControl(read.problem)}). Restore it, or pass --force to adopt the folder: render will then delete nothing.`,
      forceable: true,
    });
  } else if (!read.record && entries.length > 0) {
    refusals.push({
      message: `${shown} is not empty and has no ${RECORD_FILE}: render did not write it. Render into an empty folder, or pass --force to adopt it: render will still delete nothing it did not write.`,
      forceable: true,
    });
  }
  return refusals;
}

/** Who a file on disk belongs to: render when the record holds its hash (old or new), edited when it holds another, else the user. */
function ownerOf(plan: Planning, path: string, now: Found): Owner {
  const hashes = [plan.record?.files[path], plan.record?.writing?.[path]].filter((h): h is string => h !== undefined);
  if (hashes.length === 0) return "user";
  return now.kind === "file" && hashes.includes(sha256(now.data)) ? "render" : "edited";
}

/** Why a file may never be written or removed, even with --force: it is the spec being rendered, or a spec render did not write. */
function neverTouch(plan: Planning, path: string, now: Found, owner: Owner): Refusal | undefined {
  if ((now.kind === "file" || now.kind === "big") && plan.isSpec(now.stats))
    return {
      message: `${plan.where(path)} is the spec being rendered; render never writes, replaces or removes it. Render into another folder (--out).`,
      forceable: false,
      path,
    };
  if (owner !== "render" && now.kind === "file" && looksLikeSpec(now.data))
    return {
      message: `${plan.where(path)} holds an immich-family spec that render did not write as it is; render never overwrites or removes a spec, even with --force. Move it out of the folder and render again.`,
      forceable: false,
      path,
    };
  return undefined;
}

/** Plan one rendered file: create it, leave it, or update it (refused when it was edited or is the user's). */
function planWrite(plan: Planning, file: RenderedFile, options: PlanOptions, next: Record<string, string>): void {
  const { where, refusals } = plan;
  if (!isSafePath(file.path) || file.path === RECORD_FILE || file.path === LOCK_FILE || !options.canWrite(file.path))
    throw new CliError("internal", `the renderer produced a file it does not declare: ${escapeControl(file.path)}`);
  next[file.path] = sha256(file.content);
  const now = readInside(plan.dir, file.path, COMPARE_LIMIT);
  const mode = file.mode ?? 0o644;
  if (now.kind === "none") {
    plan.changes.push({ kind: "create", path: file.path, after: file.content, mode });
    return;
  }
  if (now.kind !== "file" && now.kind !== "big") {
    refusals.push({
      message:
        now.kind === "link"
          ? `${where(file.path)} is a symbolic link; render writes a file there and never follows a link. Move it away.`
          : `${where(file.path)}: render writes a file there, but something else is in the way. Move it away.`,
      forceable: false,
      path: file.path,
    });
    return;
  }
  const who = ownerOf(plan, file.path, now);
  const never = neverTouch(plan, file.path, now, who);
  if (never) {
    refusals.push(never);
    return;
  }
  if (now.kind === "file" && sha256(now.data) === next[file.path]) {
    plan.unchanged.push(file.path);
    plan.held[file.path] = next[file.path] as string;
    return;
  }
  if (now.kind === "file") plan.held[file.path] = sha256(now.data);
  plan.changes.push({ kind: "update", path: file.path, after: file.content, mode, owner: who });
  const big = now.kind === "big" ? ` (${now.size} bytes: too big to compare)` : "";
  if (who === "edited")
    refusals.push({
      message: `${where(file.path)} was edited since the last render${big || " (see its diff)"}. Move the change into the spec, or pass --force to overwrite it.`,
      forceable: true,
      path: file.path,
    });
  if (who === "user" && plan.record)
    refusals.push({
      message: `${where(file.path)} is not on render's record, and render would overwrite it${big || " (see its diff)"}. Move it away, or pass --force to overwrite it.`,
      forceable: true,
      path: file.path,
    });
}

/** Plan removing what the record lists and render no longer writes (refused when edited since). */
function planRemovals(plan: Planning, next: Readonly<Record<string, string>>): void {
  const { record, where } = plan;
  const gone = [...new Set([...Object.keys(record?.files ?? {}), ...Object.keys(record?.writing ?? {})])].filter((p) => !(p in next)).sort();
  for (const path of gone) {
    const now = readInside(plan.dir, path, COMPARE_LIMIT);
    if (now.kind === "none") continue;
    if (now.kind !== "file" && now.kind !== "big") {
      plan.notes.push(`${where(path)} is on render's record but is no longer a file render wrote (a link, folder or pipe): left as it is.`);
      continue;
    }
    const who = ownerOf(plan, path, now) === "render" ? "render" : "edited";
    const never = neverTouch(plan, path, now, who);
    if (never) {
      plan.refusals.push(never);
      continue;
    }
    if (now.kind === "file") plan.held[path] = sha256(now.data);
    plan.changes.push({ kind: "remove", path, owner: who });
    if (who === "edited") {
      plan.refusals.push({
        message: `${where(path)} was edited since the last render, and render no longer writes it${now.kind === "big" ? ` (${now.size} bytes: too big to compare)` : " (see its diff)"}. Move it away to keep it, or pass --force to remove it.`,
        forceable: true,
        path,
      });
    }
  }
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
    throw new CliError("write-failed", `Could not write ${plan.shown}${progress}: ${escapeControl((error as Error).message)}`, { cause: error });
  }
}

/** What is in the folder at `path` now, as text for a diff: only a regular file inside the folder, within the size limit. */
function beforeText(plan: FolderPlan, path: string): string {
  const now = readInside(plan.dir, path, COMPARE_LIMIT);
  if (now.kind === "file") return now.data.toString("utf8");
  if (now.kind === "big") return `(${now.size} bytes: too big to compare or show)\n`;
  return "";
}

/** A plan's changes as one unified diff (paths as the user named the folder), `a/` old and `b/` new. */
export async function unifiedDiff(plan: FolderPlan, only?: (change: FileChange) => boolean): Promise<string> {
  const { createTwoFilesPatch } = await import("diff");
  const headers = { includeIndex: false, includeUnderline: false, includeFileHeaders: true };
  const name = (path: string) => join(plan.shown, path).split("\\").join("/");
  return plan.changes
    .filter((c) => only?.(c) ?? true)
    .map((c) => {
      const before = c.kind === "create" ? "" : beforeText(plan, c.path);
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
