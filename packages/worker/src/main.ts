#!/usr/bin/env node
// Container entry of the worker: `immich-family-worker [spec]` (the image's default uses the CLI's `worker` command).
import { createRequire } from "node:module";
import { CONTAINER_PATHS, PORTS } from "@family/immich-spec/facts";
import { runWorker, WorkerSetupError } from "./service/run-worker.js";

const HELP = `Usage: immich-family-worker [spec]

Keeps a running Immich server as the immich-family spec says: external libraries, rescans when files
change, folder albums and their sharing. Serves /healthz and /metrics and logs JSON lines.

Arguments:
  spec   the spec file (default: $IMMICH_FAMILY_SPEC, else ${CONTAINER_PATHS.workerSpecFile})

Environment:
  IMMICH_URL, IMMICH_API_KEY      the server and an API key (or IMMICH_API_KEY_FILE); without a key,
                                  the worker bootstraps: the first admin member, then a key of its own
  IMMICH_FAMILY_STATE_DIR         where the worker keeps its state (default /var/lib/immich-family)
  IMMICH_FAMILY_WORKER_PORT       port of /healthz and /metrics (default ${PORTS.worker})

Options:
  -h, --help      show this help
  -v, --version   show the version

The immich-family CLI has the same worker with flags: immich-family worker --help
`;

const arg = process.argv[2];
if (arg === "--help" || arg === "-h") {
  process.stdout.write(HELP);
  process.exit(0);
}
if (arg === "--version" || arg === "-v") {
  const { version } = createRequire(import.meta.url)("../package.json") as { version: string };
  process.stdout.write(`immich-family-worker/${version}\n`);
  process.exit(0);
}
if (arg?.startsWith("-")) {
  process.stderr.write(`error: unknown option ${arg}\n\n${HELP}`);
  process.exit(2);
}

const abort = new AbortController();
for (const sig of ["SIGTERM", "SIGINT"] as const) process.on(sig, () => abort.abort(new Error(sig)));

const specFile = process.argv[2] ?? process.env.IMMICH_FAMILY_SPEC ?? CONTAINER_PATHS.workerSpecFile;
try {
  await runWorker({
    specFile,
    env: process.env,
    stateDir: process.env.IMMICH_FAMILY_STATE_DIR ?? "/var/lib/immich-family",
    port: Number(process.env.IMMICH_FAMILY_WORKER_PORT ?? PORTS.worker),
    signal: abort.signal,
  });
  process.exitCode = 0;
} catch (error) {
  if (error instanceof WorkerSetupError) {
    process.stderr.write(`error: ${error.message}\n${error.details.map((d) => `${d}\n`).join("")}`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
}
