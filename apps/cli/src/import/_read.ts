import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, realpathSync, type Stats } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { escapeControl, SPEC_LIMITS } from "@family/immich-spec";
import { CliError } from "../_errors.js";
import { readInside } from "../_safe-read.js";

/** What import reads of a folder: only regular files inside it, each as small as a spec, a bounded total. */
export const IMPORT_LIMITS = {
  /** One file, in bytes: the spec's own limit (a Compose file or a manifest holds settings, not data). */
  fileBytes: SPEC_LIMITS.bytes,
  /** Every file read from one folder together, in bytes. */
  folderBytes: 16 * 1024 * 1024,
  /** YAML files read from one Kubernetes folder. */
  files: 1000,
  /** Folder levels below the one given. */
  depth: 16,
} as const;

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** What a directory entry is, in a message: "a named pipe (FIFO)", "a socket"… */
function kindOf(info: Stats): string {
  if (info.isFIFO()) return "a named pipe (FIFO)";
  if (info.isSocket()) return "a socket";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "a device";
  if (info.isDirectory()) return "a folder";
  return "not a regular file";
}

const inside = (root: string, path: string) => path === root || path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);

/**
 * One folder given to import (`--compose`, `--kubernetes`), read defensively: regular files only (a link
 * is followed only to a regular file inside the folder), each at most {@link IMPORT_LIMITS}`.fileBytes`,
 * all together at most `folderBytes`, opened so that a FIFO swapped in after the check cannot block.
 * Every refusal is a `bad-arguments` CliError naming the file; every path in a message is escaped.
 */
export class ImportFolder {
  /** Entries passed over while listing, each with why (for the "not mapped" notes). */
  readonly skipped: string[] = [];
  private bytesRead = 0;

  private constructor(
    /** The folder, links resolved. */
    readonly root: string,
    /** The folder as the user named it. */
    readonly shown: string,
  ) {}

  /** The folder `arg` (relative to `cwd`) named by `flag`: missing, not a folder or unreadable is exit 2. */
  static open(cwd: string, arg: string, flag: string): ImportFolder {
    const shown = escapeControl(arg);
    const path = resolve(cwd, arg);
    let root: string;
    try {
      root = realpathSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") throw new CliError("bad-arguments", `${flag} ${shown}: no such folder. Check the path.`);
      if (code === "ELOOP") throw new CliError("bad-arguments", `${flag} ${shown}: a link that loops; pass the folder itself.`);
      throw new CliError("bad-arguments", `${flag} ${shown}: cannot read it (${code ?? "error"}).`, { cause: error });
    }
    const info = lstatSync(root);
    if (!info.isDirectory()) {
      const what = info.isFile() ? "a file" : kindOf(info);
      throw new CliError("bad-arguments", `${flag} ${shown} is ${what}; ${flag} takes the folder that holds the files.`);
    }
    return new ImportFolder(root, shown);
  }

  /** `rel` as messages show it: the folder as given, then the path inside it. */
  name(rel: string): string {
    return escapeControl(join(this.shown, rel));
  }

  private refuse(rel: string, why: string, cause?: unknown): never {
    throw new CliError("bad-arguments", `${this.name(rel)}: ${why}`, cause === undefined ? undefined : { cause });
  }

  /**
   * Where `rel` leads: its own path when it is not a link, the target when it is a link to something inside
   * the folder; a dangling link, a loop or a link out of the folder is refused. `undefined` when nothing is there.
   */
  private resolveEntry(rel: string): { path: string; info: Stats } | undefined {
    const path = join(this.root, rel);
    let info: Stats;
    try {
      info = lstatSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return undefined;
      return this.refuse(rel, `cannot read it (${code ?? "error"})`, error);
    }
    if (!info.isSymbolicLink()) return { path, info };
    let target: string;
    try {
      target = realpathSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ELOOP") return this.refuse(rel, "a link that loops; replace it with the file it should name");
      return this.refuse(rel, "a link to nothing (an editor's lock file?); remove it or move it out of the folder");
    }
    if (!inside(this.root, target)) {
      return this.refuse(rel, `a link out of the folder (to ${escapeControl(target)}); import reads only files inside ${this.shown}: copy the file in`);
    }
    return { path: target, info: lstatSync(target) };
  }

  /** The text of the regular file `rel`, or undefined when there is none; anything else at that name is refused. */
  readText(rel: string): string | undefined {
    const entry = this.resolveEntry(rel);
    if (!entry) return undefined;
    if (!entry.info.isFile()) return this.refuse(rel, `${kindOf(entry.info)}, not a file; import reads only regular files`);
    return this.readFile(rel, entry.path);
  }

  private readFile(rel: string, path: string): string {
    // No link on the way (the path is resolved), no blocking on a FIFO swapped in since the check.
    const found = readInside(this.root, relative(this.root, path), IMPORT_LIMITS.fileBytes);
    if (found.kind === "big") return this.refuse(rel, `${mib(found.size)}; import reads files of at most 1 MiB`);
    if (found.kind !== "file") return this.refuse(rel, "changed while it was read (now not a regular file); try again");
    this.bytesRead += found.data.length;
    if (this.bytesRead > IMPORT_LIMITS.folderBytes) {
      throw new CliError(
        "bad-arguments",
        `${this.shown}: the files import reads add up to more than ${mib(IMPORT_LIMITS.folderBytes)}; pass a folder that holds only the install's files`,
      );
    }
    return found.data.toString("utf8");
  }

  /**
   * The YAML files (`*.yaml`, `*.yml`) at any depth, sorted, as paths inside the folder. Hidden folders
   * (`.git`) are passed over; a link to a folder is passed over with a note (its files would be read twice,
   * or come from outside); a YAML name that is not a regular file inside the folder is refused.
   */
  yamlFiles(): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    const walk = (rel: string, depth: number): void => {
      let names: string[];
      try {
        names = readdirSync(join(this.root, rel)).sort();
      } catch (error) {
        this.refuse(rel, `cannot list it (${(error as NodeJS.ErrnoException).code ?? "error"})`, error);
      }
      for (const name of names) {
        const child = rel === "" ? name : join(rel, name);
        const info = lstatSync(join(this.root, child));
        const yaml = /\.ya?ml$/i.test(name);
        if (info.isDirectory()) {
          if (name.startsWith(".")) continue;
          if (depth >= IMPORT_LIMITS.depth) {
            this.skipped.push(`${this.name(child)}: more than ${IMPORT_LIMITS.depth} folders deep; not read`);
            continue;
          }
          walk(child, depth + 1);
        } else if (info.isSymbolicLink() && !yaml) {
          let target: Stats | undefined;
          try {
            target = lstatSync(realpathSync(join(this.root, child)));
          } catch {
            target = undefined;
          }
          if (target?.isDirectory()) this.skipped.push(`${this.name(child)}: a link to a folder; not followed`);
        } else if (yaml) {
          const entry = this.resolveEntry(child);
          if (!entry?.info.isFile()) this.refuse(child, `${entry ? kindOf(entry.info) : "gone"}, not a file; import reads only regular files`);
          if (seen.has(entry.path)) continue;
          seen.add(entry.path);
          out.push(child);
          if (out.length > IMPORT_LIMITS.files) {
            throw new CliError("bad-arguments", `${this.shown}: more than ${IMPORT_LIMITS.files} YAML files; pass the folder of the install's manifests`);
          }
        }
      }
    };
    walk("", 0);
    return out;
  }
}

/**
 * A small file outside any folder (`--api-key-file`), read the same defensive way: a regular file (links
 * followed), at most `maxBytes`, never blocking on a FIFO. Refusals are `bad-arguments` naming `flag`.
 */
export function readSmallFile(cwd: string, arg: string, flag: string, maxBytes = 64 * 1024): string {
  const path = isAbsolute(arg) ? arg : resolve(cwd, arg);
  const shown = escapeControl(relative(cwd, path) || arg);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError("bad-arguments", code === "ENOENT" ? `${flag} ${shown}: no such file.` : `${flag} ${shown}: cannot read it (${code ?? "error"}).`, {
      cause: error,
    });
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new CliError("bad-arguments", `${flag} ${shown} is ${kindOf(info)}, not a file.`);
    if (info.size > maxBytes) throw new CliError("bad-arguments", `${flag} ${shown} is ${info.size} bytes; it should hold one line.`);
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > maxBytes) throw new CliError("bad-arguments", `${flag} ${shown} grows while read; it should hold one line.`);
    }
    return buffer.subarray(0, length).toString("utf8");
  } finally {
    closeSync(fd);
  }
}
