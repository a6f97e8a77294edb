import { randomBytes } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { RenderedFile } from "@family/immich-spec";
import { CliError } from "./_errors.js";

const isSafe = (path: string) => !path.startsWith("/") && !path.split("/").includes("..");

/**
 * Write `files` as the whole content of `outDir`, atomically: everything is written to a temporary
 * sibling folder first, then swapped in with renames. On any failure the old folder stays as it was.
 * Files named in `keep` that the user put in the old folder (e.g. the secrets env file kustomize and
 * compose read from beside the rendered files) are carried over unless the render produces them.
 * Synchronous file calls: a command has nothing else to do meanwhile, and each asynchronous one
 * would cost a round trip through libuv's thread pool.
 */
export async function writeFolderAtomically(outDir: string, files: readonly RenderedFile[], keep: readonly string[] = []): Promise<void> {
  const target = resolve(outDir);
  let tmp: string | undefined;
  try {
    mkdirSync(dirname(target), { recursive: true });
    tmp = mkdtempSync(`${target}.tmp-`);
    for (const file of files) {
      if (!isSafe(file.path)) {
        throw new CliError("internal", `renderer produced an unsafe path: ${file.path}`);
      }
      const dest = join(tmp, file.path);
      mkdirSync(dirname(dest), { recursive: true });
      writeFileSync(dest, file.content, { mode: file.mode ?? 0o644 });
    }
    const rendered = new Set(files.map((f) => f.path));
    for (const path of keep.filter((k) => isSafe(k) && !rendered.has(k))) {
      const from = join(target, path);
      if (!statSync(from, { throwIfNoEntry: false })?.isFile()) continue;
      mkdirSync(dirname(join(tmp, path)), { recursive: true });
      copyFileSync(from, join(tmp, path));
    }
    const old = `${tmp}.old`;
    const existed = existsSync(target);
    if (existed) renameSync(target, old);
    try {
      renameSync(tmp, target);
    } catch (error) {
      if (existed) renameSync(old, target);
      throw error;
    }
    if (existed) rmSync(old, { recursive: true, force: true });
  } catch (error) {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    if (error instanceof CliError) throw error;
    throw new CliError("write-failed", `Could not write ${outDir}: ${(error as Error).message}`, { cause: error });
  }
}

/** Write `text` to `file` atomically (a temporary sibling, then a rename) with `mode`. */
export async function writeFileAtomically(file: string, text: string, mode = 0o644): Promise<void> {
  const tmp = resolve(dirname(file), `.${basename(file)}.tmp-${randomBytes(6).toString("hex")}`);
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(tmp, text, { mode, flag: "wx" });
    chmodSync(tmp, mode);
    renameSync(tmp, file);
  } catch (error) {
    // The temporary file may not exist, or its folder may not (ENOTDIR): cleanup must not mask the cause.
    try {
      rmSync(tmp, { force: true });
    } catch {
      // The cause below says what went wrong.
    }
    throw new CliError("write-failed", `Could not write ${file}: ${(error as Error).message}`, { cause: error });
  }
}
