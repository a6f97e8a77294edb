import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createReadStream, createWriteStream } from "node:fs";

/** What running a tool gave; `missing` when it is not on the PATH (then `code` is 127). */
export interface ToolResult {
  readonly missing: boolean;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ToolOptions {
  readonly env: NodeJS.ProcessEnv;
  /** Stops the tool early, as a failure that says so (code 130). */
  readonly signal?: AbortSignal | undefined;
  /** Stops the tool after this long, as a failure that says so (code 124). @default no limit */
  readonly timeoutMs?: number | undefined;
  /** Standard input: text, or the path of a file streamed in. @default empty */
  readonly input?: { readonly text: string } | { readonly file: string } | undefined;
  /** Standard output into this file (created 0600) instead of being kept in memory. */
  readonly stdoutFile?: string | undefined;
}

/** Output kept in memory is capped: a tool that prints a whole dump must not take the machine's memory. */
const KEEP = 4 * 1024 * 1024;

/** Collects a stream's chunks up to `KEEP` bytes; the rest is read and dropped, so the tool never blocks on a full pipe. */
function capped(): { readonly add: (chunk: Buffer) => void; readonly text: () => string } {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    add: (chunk) => {
      if (size >= KEEP) return;
      const part = chunk.subarray(0, KEEP - size);
      chunks.push(part);
      size += part.length;
    },
    text: () => Buffer.concat(chunks).toString("utf8"),
  };
}

/** Standard input from text or a file; a tool that stops reading early (it failed) says why through its exit code and stderr. */
function feedInput(child: ChildProcessWithoutNullStreams, input: ToolOptions["input"]): void {
  child.stdin.on("error", () => undefined);
  if (input && "file" in input) {
    const source = createReadStream(input.file);
    source.on("error", () => child.stdin.end());
    source.pipe(child.stdin);
  } else child.stdin.end(input?.text ?? "");
}

/** Standard output into `file`, or kept (capped); resolves once a file is flushed and closed. */
function takeOutput(child: ChildProcessWithoutNullStreams, file: string | undefined, kept: ReturnType<typeof capped>): Promise<void> {
  if (!file) {
    child.stdout.on("data", kept.add);
    return Promise.resolve();
  }
  const sink = createWriteStream(file, { mode: 0o600 });
  child.stdout.pipe(sink);
  return new Promise((ok) => {
    sink.on("close", () => ok());
    sink.on("error", () => ok());
  });
}

/**
 * Run `command` (looked up on `env.PATH`, never through a shell) with `args`; never throws for a tool's
 * absence, failure, timeout or interruption: the result says which.
 */
export function runTool(command: string, args: readonly string[], o: ToolOptions): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { env: o.env, stdio: ["pipe", "pipe", "pipe"], signal: o.signal });
    const out = capped();
    const err = capped();
    let settled = false;
    let timedOut = false;
    const timer =
      o.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill("SIGTERM");
          }, o.timeoutMs);
    const done = (r: ToolResult | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (r instanceof Error) reject(r);
      else resolve(r);
    };
    child.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") done({ missing: true, code: 127, stdout: "", stderr: `${command}: not found on the PATH` });
      else if (error.name === "AbortError") done({ missing: false, code: 130, stdout: out.text(), stderr: `${command} ${args.join(" ")} was interrupted` });
      else done(error);
    });
    const flushed = takeOutput(child, o.stdoutFile, out);
    child.stderr.on("data", err.add);
    feedInput(child, o.input);
    child.on("close", async (code, sig) => {
      await flushed;
      if (timedOut)
        return done({ missing: false, code: 124, stdout: out.text(), stderr: `${command} ${args.join(" ")} timed out after ${(o.timeoutMs ?? 0) / 1000} s` });
      done({ missing: false, code: code ?? (sig ? 128 : 1), stdout: out.text(), stderr: err.text() });
    });
  });
}

/** The first line of a tool's error output, for a report. */
export function firstLine(text: string): string {
  return text.trim().split("\n")[0]?.trim() ?? "";
}
