import { type FileHandle, mkdir, open, rename } from "node:fs/promises";
import { dirname } from "node:path";

/** Write `lines` (each ended by a newline) to `file` atomically, in chunks of about 1 MiB: a temp file renamed over the old one. */
export async function writeLinesAtomically(file: string, lines: Iterable<string>): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, "w");
  try {
    // Lines are joined a chunk at a time: one flat string per chunk, not a chain of concatenations.
    let chunk: string[] = [];
    let length = 0;
    for (const line of lines) {
      chunk.push(line);
      length += line.length + 1;
      if (length > 1 << 20) {
        await handle.write(`${chunk.join("\n")}\n`);
        chunk = [];
        length = 0;
      }
    }
    if (chunk.length > 0) await handle.write(`${chunk.join("\n")}\n`);
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}

/**
 * Read a file written as a JSON header line, then one record per line, streaming: the file is read in
 * chunks of 64 KiB and never held whole. `each` gets each line as the byte range [from, to) of a
 * buffer that is reused for the next chunk (decode what it keeps, e.g. `buf.toString("utf8", a, b)`,
 * which makes strings of their own rather than slices of a big text) and returns false to reject
 * the file. A missing, torn or foreign file (another `version`) gives undefined.
 */
export async function readLinesFile<H extends { version: number }>(
  file: string,
  version: number,
  each: (buf: Buffer, from: number, to: number) => boolean,
): Promise<H | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(file, "r");
  } catch {
    return undefined;
  }
  try {
    let buf = Buffer.allocUnsafe(1 << 16);
    let header: H | undefined;
    const line = (from: number, to: number): boolean => {
      if (header) return each(buf, from, to) !== false;
      header = JSON.parse(buf.toString("utf8", from, to)) as H;
      return header.version === version;
    };
    // Unread bytes are buf[start, end).
    let start = 0;
    let end = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, end, buf.length - end, null);
      end += bytesRead;
      for (let nl = buf.indexOf(10, start); nl >= 0 && nl < end; nl = buf.indexOf(10, start)) {
        if (!line(start, nl)) return undefined;
        start = nl + 1;
      }
      if (bytesRead === 0) {
        if (start < end && !line(start, end)) return undefined;
        return header;
      }
      // Keep the partial last line at the front; a line longer than the buffer doubles it.
      if (start > 0) {
        buf.copy(buf, 0, start, end);
        end -= start;
        start = 0;
      }
      if (end === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, end);
        buf = bigger;
      }
    }
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}
