import type { Io } from "./_io.js";

/** What a command runs with: its working folder, its streams, the environment and a stop signal. */
export interface CommandContext {
  readonly cwd: string;
  readonly io: Io;
  readonly env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM; long-running commands stop cleanly on it. */
  readonly signal: AbortSignal;
}

/** Flags as cac parses them: camel-cased names, values as given. */
export type Flags = Record<string, unknown>;

/** What every command module exports: print through `ctx.io`, return the exit code. */
export type CommandMain = (ctx: CommandContext, args: readonly (string | undefined)[], flags: Flags) => Promise<number>;
