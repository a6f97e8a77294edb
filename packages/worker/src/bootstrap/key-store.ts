import { randomBytes } from "node:crypto";
import { chmod, lstat, mkdir, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Where bootstrap keeps the worker's API key, and reads it back. Never prints it. */
export interface KeyStore {
  /** Where the key is kept, for messages (never the key itself). */
  readonly where: string;
  read(): Promise<string | undefined>;
  write(secret: string): Promise<void>;
}

/** Refuse what is not a plain file of ours to read: a link, a FIFO, a device, or something too big for a key file. */
async function plainFile(file: string, maxBytes: number): Promise<boolean> {
  let info: Awaited<ReturnType<typeof lstat>>;
  try {
    info = await lstat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
  if (info.isSymbolicLink()) throw new Error(`${file} is a symbolic link; bootstrap writes only a plain file there`);
  if (!info.isFile()) throw new Error(`${file} is not a plain file`);
  if (info.size > maxBytes) throw new Error(`${file} is larger than ${maxBytes} bytes; is it the right file?`);
  return true;
}

/** Read a plain file of at most `maxBytes` (no FIFO or link is opened), or undefined when there is none. */
export async function readSmallFile(file: string, maxBytes: number): Promise<string | undefined> {
  if (!(await plainFile(file, maxBytes))) return undefined;
  const handle = await open(file, "r");
  try {
    const buf = Buffer.alloc(maxBytes + 1);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    if (bytesRead > maxBytes) throw new Error(`${file} grew past ${maxBytes} bytes while being read`);
    return buf.toString("utf8", 0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Write `text` to `file` atomically (a temporary sibling, then a rename) with `mode`; a link in its place is refused. */
export async function writeSmallFileAtomically(file: string, text: string, mode: number): Promise<void> {
  await plainFile(file, 1 << 20);
  await mkdir(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const handle = await open(tmp, "wx", mode);
    try {
      await handle.writeFile(text);
    } finally {
      await handle.close();
    }
    await chmod(tmp, mode);
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
}

/** The worker's own copy: `<stateDir>/worker-api-key`, mode 0600. */
export function stateDirKeyStore(stateDir: string): KeyStore {
  const file = join(stateDir, "worker-api-key");
  return {
    where: file,
    read: async () => (await readSmallFile(file, 4096))?.trim() || undefined,
    write: (secret) => writeSmallFileAtomically(file, `${secret}\n`, 0o600),
  };
}

const LINE = (name: string) => new RegExp(`^\\s*(?:export\\s+)?${name}\\s*=(.*)$`);

/**
 * The secrets env file the targets read (`KEY=value` lines): the key is read from the line that sets
 * `name`, and written by replacing that line (or adding one); every other line stays as it was, and
 * the file keeps its mode (0600 when new).
 */
export function envFileKeyStore(file: string, name: string): KeyStore {
  return {
    where: `${name} in ${file}`,
    read: async () => {
      const text = await readSmallFile(file, 1 << 20);
      for (const line of text?.split(/\r?\n/) ?? []) {
        const m = LINE(name).exec(line);
        if (m) return m[1]!.trim().replace(/^(["'])(.*)\1$/, "$2") || undefined;
      }
      return undefined;
    },
    write: async (secret) => {
      const text = (await readSmallFile(file, 1 << 20)) ?? "";
      const mode = text ? (await lstat(file)).mode & 0o777 : 0o600;
      const lines = text === "" ? [] : text.replace(/\n$/, "").split("\n");
      const at = lines.findIndex((l) => LINE(name).test(l));
      if (at >= 0) lines[at] = `${name}=${secret}`;
      else lines.push(`${name}=${secret}`);
      await writeSmallFileAtomically(file, `${lines.join("\n")}\n`, mode);
    },
  };
}

/** The `KEY=value` lines of a secrets env file (comments and blank lines skipped, quotes around a value dropped); empty when there is no file. */
export async function readEnvFile(file: string): Promise<Record<string, string>> {
  const text = await readSmallFile(file, 1 << 20);
  const out: Record<string, string> = {};
  for (const line of text?.split(/\r?\n/) ?? []) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!.trim().replace(/^(["'])(.*)\1$/, "$2");
  }
  return out;
}
