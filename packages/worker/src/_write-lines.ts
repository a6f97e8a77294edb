import { mkdir, open, rename } from "node:fs/promises";
import { dirname } from "node:path";

/** Write `lines` (each ended by a newline) to `file` atomically, in chunks of about 1 MiB: a temp file renamed over the old one. */
export async function writeLinesAtomically(file: string, lines: Iterable<string>): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, "w");
  try {
    let chunk = "";
    for (const line of lines) {
      chunk += `${line}\n`;
      if (chunk.length > 1 << 20) {
        await handle.write(chunk);
        chunk = "";
      }
    }
    if (chunk) await handle.write(chunk);
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}
