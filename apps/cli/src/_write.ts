import { mkdir, mkdtemp, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { RenderedFile } from "@family/immich-spec";
import { CliError } from "./_errors.js";

/**
 * Write `files` as the whole content of `outDir`, atomically: everything is written to a temporary
 * sibling folder first, then swapped in with renames. On any failure the old folder stays as it was.
 */
export async function writeFolderAtomically(outDir: string, files: readonly RenderedFile[]): Promise<void> {
  const target = resolve(outDir);
  await mkdir(dirname(target), { recursive: true });
  const tmp = await mkdtemp(`${target}.tmp-`);
  try {
    for (const file of files) {
      if (file.path.startsWith("/") || file.path.split("/").includes("..")) {
        throw new CliError("internal", `renderer produced an unsafe path: ${file.path}`);
      }
      const dest = join(tmp, file.path);
      await mkdir(dirname(dest), { recursive: true });
      await writeFile(dest, file.content, { mode: file.mode ?? 0o644 });
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
