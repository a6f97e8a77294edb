import { spawn } from "node:child_process";
import { createReadStream, createWriteStream } from "node:fs";

/** What a tool run gave; `missing` when the tool is not on the PATH. */
export interface RunResult {
  readonly missing: boolean;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal | undefined;
  /** Standard input: text, or the path of a file streamed in. */
  readonly input?: { readonly text: string } | { readonly file: string } | undefined;
  /** Standard output into this file (created 0600) instead of being kept in memory. */
  readonly stdoutFile?: string | undefined;
}

/** Output kept in memory is capped: a tool that prints a whole dump must not take the machine's memory. */
const KEEP = 4 * 1024 * 1024;

function keep(chunks: Buffer[], size: { n: number }, chunk: Buffer): void {
  if (size.n >= KEEP) return;
  const part = chunk.subarray(0, KEEP - size.n);
  chunks.push(part);
  size.n += part.length;
}

/** Run `command` with `args` (never through a shell); never throws for a tool's failure or absence. */
export function runTool(command: string, args: readonly string[], o: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { env: o.env, stdio: ["pipe", "pipe", "pipe"], signal: o.signal });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const outSize = { n: 0 };
    const errSize = { n: 0 };
    let settled = false;
    const done = (r: RunResult) => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    child.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") done({ missing: true, code: 127, stdout: "", stderr: `${command}: not found on the PATH` });
      else if (error.name === "AbortError") done({ missing: false, code: 130, stdout: "", stderr: `${command}: stopped` });
      else if (!settled) {
        settled = true;
        reject(error);
      }
    });
    let flushed: Promise<void> = Promise.resolve();
    if (o.stdoutFile) {
      const sink = createWriteStream(o.stdoutFile, { mode: 0o600 });
      flushed = new Promise((ok) => {
        sink.on("close", () => ok());
        sink.on("error", () => ok());
      });
      child.stdout.pipe(sink);
    } else child.stdout.on("data", (c: Buffer) => keep(out, outSize, c));
    child.stderr.on("data", (c: Buffer) => keep(err, errSize, c));
    child.stdin.on("error", () => {
      // The tool stopped reading (it failed early): its exit code and stderr say why.
    });
    const input = o.input;
    if (input && "file" in input) {
      const source = createReadStream(input.file);
      source.on("error", () => child.stdin.end());
      source.pipe(child.stdin);
    } else child.stdin.end(input?.text ?? "");
    child.on("close", async (code, sig) => {
      await flushed;
      done({
        missing: false,
        code: code ?? (sig ? 128 : 1),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
  });
}
