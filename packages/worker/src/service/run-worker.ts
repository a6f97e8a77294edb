import { formatDiagnostic, type ImmichFamilySpec, loadSpecFile } from "@family/immich-spec";
import { reconcileAlbums } from "../albums/reconcile.js";
import { resolveCredentials } from "../credentials.js";
import type { ResolvedLibrary } from "../libraries/reconcile.js";
import { createLogger, type Logger } from "./logger.js";
import { WorkerService, type WorkerServiceOptions } from "./worker-service.js";

/** What `runWorker` needs: the spec file, env, state folder, port, and the stop signal. */
export interface RunWorkerOptions {
  readonly specFile: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stateDir: string;
  readonly port?: number;
  readonly once?: boolean;
  readonly apiKeyFile?: string;
  /** Aborted on SIGTERM/SIGINT: the worker stops cleanly and this resolves. */
  readonly signal: AbortSignal;
  readonly logger?: Logger;
  /** Runs after each triggered scan's jobs are done (the folder-album sync of that library runs anyway). */
  readonly afterScan?: (spec: ImmichFamilySpec, library: ResolvedLibrary & { readonly id: string }) => Promise<void>;
  readonly tuning?: Pick<
    WorkerServiceOptions,
    "intervalMs" | "debounceMs" | "deepEvery" | "requestTimeoutMs" | "backoff" | "queuePollMs" | "albumIntervalMs" | "albumDeepIntervalMs"
  >;
}

/** Thrown for a spec or credentials problem the user must fix (exit 2). */
export class WorkerSetupError extends Error {
  override readonly name = "WorkerSetupError";
  constructor(
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}

/** Load the spec and credentials, then run the worker service until `signal` aborts. */
export async function runWorker(options: RunWorkerOptions): Promise<void> {
  const logger = options.logger ?? createLogger();
  const loaded = await loadSpecFile(options.specFile).catch((error: NodeJS.ErrnoException) => {
    throw new WorkerSetupError(error.code === "ENOENT" ? `No spec at ${options.specFile}` : `Cannot read ${options.specFile}: ${error.message}`);
  });
  if (!loaded.ok) throw new WorkerSetupError(`${options.specFile} is not a valid spec`, loaded.errors.map(formatDiagnostic));
  const spec = loaded.value;
  let credentials: Awaited<ReturnType<typeof resolveCredentials>>;
  try {
    credentials = await resolveCredentials(spec, options.env, options.apiKeyFile);
  } catch (error) {
    throw new WorkerSetupError((error as Error).message);
  }
  const afterScan = options.afterScan;
  const service = new WorkerService({
    spec,
    url: credentials.url,
    apiKey: credentials.apiKey,
    keyName: credentials.keySource,
    stateDir: options.stateDir,
    logger,
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.once ? { once: true } : {}),
    ...(afterScan ? { afterScan: (lib: ResolvedLibrary & { readonly id: string }) => afterScan(spec, lib) } : {}),
    reconcileAlbums: (library, { deep, onError }) =>
      reconcileAlbums({
        spec,
        baseUrl: credentials.url,
        adminApiKey: credentials.apiKey,
        adminKeyName: credentials.keySource,
        env: options.env,
        library,
        apply: true,
        deep,
        signal: options.signal,
        stateDir: options.stateDir,
        client: { onError },
      }),
    ...options.tuning,
  });
  if (options.signal.aborted) return;
  const onAbort = () => service.stop("signal");
  options.signal.addEventListener("abort", onAbort, { once: true });
  try {
    logger.info({ spec: options.specFile, url: credentials.url, key: credentials.keySource }, "worker starting");
    if (!options.once) await service.listen();
    await service.run();
    logger.info("worker stopped");
  } finally {
    options.signal.removeEventListener("abort", onAbort);
  }
}
