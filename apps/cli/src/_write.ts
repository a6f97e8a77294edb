import { randomBytes } from "node:crypto";
import { chmod, copyFile, mkdir, mkdtemp, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { RenderedFile } from "@family/immich-spec";
import { CliError } from "./_errors.js";

const isSafe = (path: string) => !path.startsWith("/") && !path.split("/").includes("..");

/**
 * Write `files` as the whole content of `outDir`, atomically: everything is written to a temporary
 * sibling folder first, then swapped in with renames. On any failure the old folder stays as it was.
 * Files named in `keep` that the user put in the old folder (e.g. the secrets env file kustomize and
 * compose read from beside the rendered files) are carried over unless the render produces them.
 */
export async function writeFolderAtomically(outDir: string, files: readonly RenderedFile[], keep: readonly string[] = []): Promise<void> {
  const target = resolve(outDir);
  await mkdir(dirname(target), { recursive: true });
  const tmp = await mkdtemp(`${target}.tmp-`);
  try {
    for (const file of files) {
      if (!isSafe(file.path)) {
        throw new CliError("internal", `renderer produced an unsafe path: ${file.path}`);
      }
      const dest = join(tmp, file.path);
      await mkdir(dirname(dest), { recursive: true });
      await writeFile(dest, file.content, { mode: file.mode ?? 0o644 });
    }
    const rendered = new Set(files.map((f) => f.path));
    for (const path of keep.filter((k) => isSafe(k) && !rendered.has(k))) {
      const from = join(target, path);
      const kept = await stat(from).then(
        (s) => s.isFile(),
        () => false,
      );
      if (!kept) continue;
      await mkdir(dirname(join(tmp, path)), { recursive: true });
      await copyFile(from, join(tmp, path));
    }
    const old = `${tmp}.old`;
    const existed = await stat(target).then(
      () => true,
      () => false,
    );
    if (existed) await rename(target, old);
    try {
      await rename(tmp, target);
    } catch (error) {
      if (existed) await rename(old, target);
      throw error;
    }
    if (existed) await rm(old, { recursive: true, force: true });
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    if (error instanceof CliError) throw error;
    throw new CliError("write-failed", `Could not write ${outDir}: ${(error as Error).message}`, { cause: error });
  }
}

/** Write `text` to `file` atomically (a temporary sibling, then a rename) with `mode`. */
export async function writeFileAtomically(file: string, text: string, mode = 0o644): Promise<void> {
  const tmp = resolve(dirname(file), `.${basename(file)}.tmp-${randomBytes(6).toString("hex")}`);
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(tmp, text, { mode, flag: "wx" });
    await chmod(tmp, mode);
    await rename(tmp, file);
  } catch (error) {
    // The temporary file may not exist, or its folder may not (ENOTDIR): cleanup must not mask the cause.
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new CliError("write-failed", `Could not write ${file}: ${(error as Error).message}`, { cause: error });
  }
}
