import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { escapeControl } from "@family/immich-spec/facts";
import { CliError } from "./_errors.js";

/** Write `text` to `file` atomically (a temporary sibling, then a rename) with `mode`; errors are thrown as they come. */
export function writeAtomicallySync(file: string, text: string, mode: number): void {
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
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
    throw error;
  }
}

/** Write `text` to `file` atomically with `mode`, making its folder; a failure is the CLI error `write-failed`. */
export async function writeFileAtomically(file: string, text: string, mode = 0o644): Promise<void> {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeAtomicallySync(file, text, mode);
  } catch (error) {
    throw new CliError("write-failed", `Could not write ${escapeControl(file)}: ${escapeControl((error as Error).message)}`, { cause: error });
  }
}
