import { execFile } from "node:child_process";

/** What running a command gave: `found: false` when it is not on the PATH. */
export type ToolResult = { readonly found: false } | { readonly found: true; readonly code: number; readonly stdout: string; readonly stderr: string };

/**
 * Run `command` (looked up on `env.PATH`) with a timeout; never throws for a missing tool or a failure.
 * `signal` stops it early, as a failure that says so.
 */
export function runTool(command: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 15_000, signal?: AbortSignal): Promise<ToolResult> {
  return new Promise((resolve) => {
    const options = { env, timeout: timeoutMs, encoding: "utf8" as const, maxBuffer: 16 * 1024 * 1024, ...(signal ? { signal } : {}) };
    execFile(command, [...args], options, (error, stdout, stderr) => {
      if (!error) return resolve({ found: true, code: 0, stdout, stderr });
      const e = error as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
      if (e.code === "ENOENT") return resolve({ found: false });
      if (e.code === "ABORT_ERR") return resolve({ found: true, code: -1, stdout, stderr: `${command} ${args.join(" ")} was interrupted` });
      if (e.killed) return resolve({ found: true, code: -1, stdout, stderr: `${command} ${args.join(" ")} timed out after ${timeoutMs / 1000} s` });
      resolve({ found: true, code: typeof e.code === "number" ? e.code : 1, stdout, stderr: stderr || e.message });
    });
  });
}

/** The first line of a tool's error output, for a report. */
export function firstLine(text: string): string {
  return text.trim().split("\n")[0]?.trim() ?? "";
}
