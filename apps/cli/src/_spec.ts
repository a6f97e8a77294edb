import { closeSync, constants, openSync, readSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import {
  escapeControl,
  formatDiagnostic,
  formatDiagnosticWithFrame,
  type ImmichFamilySpec,
  parseSpec,
  type SpecDiagnostic,
  sizeProblem,
} from "@family/immich-spec";
import { CliError } from "./_errors.js";

export const DEFAULT_SPEC = "immich-family.yaml";
/** The spec path that means standard input, and how diagnostics name it. */
export const STDIN = "-";
export const STDIN_NAME = "<stdin>";

/** A spec refused for its size before it was parsed; `diagnostic` is the refusal as `validate --output json` reports it. */
export class SpecTooLargeError extends CliError {
  readonly diagnostic: SpecDiagnostic;
  constructor(shown: string, message: string) {
    const diagnostic: SpecDiagnostic = {
      file: escapeControl(shown),
      line: 1,
      column: 1,
      path: "",
      message,
      code: "too-large",
      severity: "error",
    };
    super("spec-invalid", formatDiagnostic(diagnostic));
    this.diagnostic = diagnostic;
  }
}

/** Read a stream as UTF-8 text, refusing it as soon as it passes the spec size limit. */
export async function readLimited(stream: AsyncIterable<Buffer | string>, shown: string): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    total += buffer.length;
    const problem = sizeProblem(total, true);
    if (problem) throw new SpecTooLargeError(shown, problem);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The bytes of a FIFO or device, read on the main thread without ever blocking: a blocked open or read
 * in Node's thread pool would hold up the process's exit, so Ctrl-C could not end it. A FIFO nobody
 * writes yet is polled until a writer sends something and closes; a device ends at its first empty read.
 */
async function* pollChunks(file: string, fifo: boolean): AsyncGenerator<Buffer> {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const buffer = Buffer.alloc(64 * 1024);
    let seen = false;
    for (;;) {
      let n = -1;
      try {
        n = readSync(fd, buffer, 0, buffer.length, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      }
      if (n > 0) {
        seen = true;
        yield Buffer.from(buffer.subarray(0, n));
      } else if (n === 0 && (seen || !fifo)) return;
      else await sleep(50);
    }
  } finally {
    closeSync(fd);
  }
}

export interface LoadedSpec {
  readonly file: string;
  readonly spec: ImmichFamilySpec;
  readonly warnings: readonly SpecDiagnostic[];
  /** The spec's text, for code frames. */
  readonly source: string;
}

/**
 * Read the spec's text (`-`: standard input); a missing file says how to create one, and a file over
 * the size limit is refused before it is read. `shown` is the path as the user gave it.
 */
export async function readSpecSource(cwd: string, path: string | undefined): Promise<{ file: string; shown: string; source: string }> {
  if (path === STDIN) return { file: STDIN, shown: STDIN_NAME, source: await readLimited(process.stdin, STDIN_NAME) };
  const shown = path ?? DEFAULT_SPEC;
  const file = resolve(cwd, shown);
  try {
    const info = await stat(file);
    const problem = sizeProblem(info.size);
    if (problem) throw new SpecTooLargeError(shown, problem);
    // A pipe or device has no size to check first: read it up to the limit.
    if (!info.isFile() && !info.isDirectory()) return { file, shown, source: await readLimited(pollChunks(file, info.isFIFO()), shown) };
    return { file, shown, source: await readFile(file, "utf8") };
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new CliError(
        "spec-missing",
        path === undefined
          ? `No spec at ./${DEFAULT_SPEC}. Run \`immich-family init\` to create one, or pass the spec's path.`
          : `No spec at ${escapeControl(path)}. Check the path, or run \`immich-family init ${escapeControl(path)}\` to create one.`,
      );
    }
    if (code === "EISDIR") throw new CliError("bad-arguments", `${escapeControl(shown)} is a folder; pass the spec file inside it.`);
    throw new CliError("spec-invalid", `Cannot read ${escapeControl(shown)}: ${escapeControl((error as Error).message)}`, { cause: error });
  }
}

/** Load the spec at `path` (default ./immich-family.yaml) or throw a CliError with every problem, code frames included. */
export async function loadSpecOrThrow(cwd: string, path: string | undefined): Promise<LoadedSpec> {
  const { file, shown, source } = await readSpecSource(cwd, path);
  const result = parseSpec(source, shown);
  if (!result.ok) {
    const n = result.errors.length;
    throw new CliError(
      "spec-invalid",
      `${escapeControl(shown)} is not a valid spec (${n} error${n === 1 ? "" : "s"}); run \`immich-family validate ${escapeControl(shown)}\` after fixing it`,
      {
        details: result.errors.map((d) => formatDiagnosticWithFrame(d, source)),
      },
    );
  }
  return { file, spec: result.value, warnings: result.warnings, source };
}
