import { mkdir, open, readFile, rename } from "node:fs/promises";
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

/**
 * Read a file written as a JSON header line, then one record per line. `each` gets each line as the
 * range [from, to) of the file's text (so fields can be sliced without copying the line) and returns
 * false to reject the file. A missing, torn or foreign file (another `version`) gives undefined.
 */
export async function readLinesFile<H extends { version: number }>(
  file: string,
  version: number,
  each: (text: string, from: number, to: number) => boolean,
): Promise<H | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    let at = text.indexOf("\n");
    const header = JSON.parse(text.slice(0, at)) as H;
    if (header.version !== version) return undefined;
    while (at < text.length - 1) {
      const end = text.indexOf("\n", at + 1);
      const stop = end < 0 ? text.length : end;
      if (each(text, at + 1, stop) === false) return undefined;
      at = stop;
    }
    return header;
  } catch {
    return undefined;
  }
}
