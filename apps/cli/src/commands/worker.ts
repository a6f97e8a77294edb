import { resolve } from "node:path";
import { Writable } from "node:stream";
import { PORTS } from "@family/immich-spec";
import { createLogger, runWorker } from "@family/immich-worker";
import type { CommandMain } from "../_command.js";
import { portOption } from "../_options.js";
import { refuseIrregular } from "../_safe-read.js";
import { DEFAULT_SPEC } from "../_spec.js";

/** `immich-family worker`: the long-running service; stops cleanly on SIGTERM/SIGINT (exit 0). */
export const main: CommandMain = async ({ cwd, io, env, signal }, [path], flags) => {
  const logger = createLogger({
    destination: new Writable({
      write(chunk, _encoding, done) {
        io.stdout(String(chunk));
        done();
      },
    }),
  });
  const port = portOption("port", flags.port ?? String(PORTS.worker));
  // Read before the server starts, where a blocked read would outlast even a second signal.
  const specFile = resolve(cwd, path ?? DEFAULT_SPEC);
  refuseIrregular(specFile, "The spec");
  const keyFile = typeof flags.apiKeyFile === "string" ? resolve(cwd, flags.apiKeyFile) : env.IMMICH_API_KEY_FILE;
  if (keyFile) refuseIrregular(keyFile, "The API key file");
  // A setup error or a server's answer becomes a CliError at the entry (toCliError).
  await runWorker({
    specFile,
    env,
    stateDir: resolve(cwd, typeof flags.stateDir === "string" ? flags.stateDir : ".immich-family"),
    port,
    once: flags.once === true,
    ...(typeof flags.apiKeyFile === "string" ? { apiKeyFile: resolve(cwd, flags.apiKeyFile) } : {}),
    signal,
    logger,
  });
  return 0;
};
