#!/usr/bin/env node
// Container entry of the worker: `immich-family-worker [spec]` (the image's default uses the CLI's `worker` command).
import { runWorker, WorkerSetupError } from "./service/run-worker.js";

const abort = new AbortController();
for (const sig of ["SIGTERM", "SIGINT"] as const) process.on(sig, () => abort.abort(new Error(sig)));

const specFile = process.argv[2] ?? process.env.IMMICH_FAMILY_SPEC ?? "/etc/immich-family/immich-family.yaml";
try {
  await runWorker({
    specFile,
    env: process.env,
    stateDir: process.env.IMMICH_FAMILY_STATE_DIR ?? "/var/lib/immich-family",
    port: Number(process.env.IMMICH_FAMILY_WORKER_PORT ?? 9464),
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
