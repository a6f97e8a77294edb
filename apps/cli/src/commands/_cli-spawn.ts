import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { examplesDir } from "@family/test-kit";

/** The built entry point; turbo builds the CLI and its dependencies before its tests run. */
export const BUILT_CLI = fileURLToPath(new URL("../../dist/cli.cjs", import.meta.url));
/** The repository's `examples/` folder, as a path. */
export const EXAMPLES = fileURLToPath(examplesDir);

/** Run the built `immich-family` with `args` in `cwd`, `input` on its standard input. */
export function runCli(args: readonly string[], cwd: string, input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BUILT_CLI, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    ...(input === undefined ? {} : { input }),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Run the built `immich-family` without blocking the event loop, so a fake server in this process can
 * answer it. `env` is added to the process's.
 */
export function runCliAsync(
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BUILT_CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: "1", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (status) => resolvePromise({ status, stdout, stderr }));
  });
}
