import { writeSync } from "node:fs";

/** Where a command prints. Tests pass a recorder; the entry passes the process streams. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly isTTY: boolean;
}

// Control and direction-changing characters but newline and tab, which lay the output out.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE_ON_TERMINAL = /[\0-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` as it may reach a terminal: every control character but newline and tab written as an escape
 * (`\x1B`, `\r`, `\u202E`), whatever a message echoes (a path, an argument, a file's content in a
 * diff). The last line of defence: messages escape what they echo themselves (`escapeControl`), so a
 * newline inside a path shows as `\n` too; this keeps the entry point free of the spec package.
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_ON_TERMINAL, (c) => {
    if (c === "\r") return "\\r";
    const cp = c.codePointAt(0) ?? 0;
    // DEL and C1 as `\u007F`: JSON.stringify leaves them raw, and this form keeps `--output json` valid JSON.
    return cp < 0x7f ? `\\x${cp.toString(16).toUpperCase().padStart(2, "0")}` : `\\u${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  });
}

/** The reader of our output went away (`immich-family schema | head`): end quietly, with the exit code decided so far. */
function readerGone(): never {
  process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
}

/** Send a closed pipe on `process.stdout`/`process.stderr` (cac's help, progress bars) to `readerGone` instead of a crash. */
export function guardStdStreams(): void {
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.listeners("error").includes(onStreamError)) continue;
    stream.on("error", onStreamError);
  }
}

function onStreamError(error: NodeJS.ErrnoException): void {
  if (error.code !== "EPIPE") throw error;
  readerGone();
}

/**
 * A line writer on file descriptor `fd`, written synchronously: a command that only prints a few
 * lines never builds Node's stream machinery for a pipe (≈10 ms of every cold start). A non-blocking
 * pipe that is full hands the rest, and every later line, to the process stream, so order is kept.
 */
function lineWriter(fd: 1 | 2, stream: () => NodeJS.WriteStream): (text: string) => void {
  let viaStream = false;
  return (text) => {
    const bytes = Buffer.from(terminalSafe(text.endsWith("\n") ? text : `${text}\n`), "utf8");
    if (viaStream) {
      stream().write(bytes);
      return;
    }
    let written = 0;
    try {
      while (written < bytes.length) written += writeSync(fd, bytes, written);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EPIPE") readerGone();
      if (code !== "EAGAIN") throw error;
      viaStream = true;
      guardStdStreams();
      stream().write(bytes.subarray(written));
    }
  };
}

export const processIo: Io = {
  stdout: lineWriter(1, () => process.stdout),
  stderr: lineWriter(2, () => process.stderr),
  // Read when a command asks (it builds both streams), not at every start.
  get isTTY() {
    return Boolean(process.stdout.isTTY && process.stdin.isTTY);
  },
};
