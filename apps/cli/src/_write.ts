import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { CliError } from "./_errors.js";

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
