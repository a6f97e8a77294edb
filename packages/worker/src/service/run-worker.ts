import { formatDiagnostic, type ImmichFamilySpec, loadSpecFile } from "@family/immich-spec";
import { reconcileAlbums } from "../albums/reconcile.js";
import { BootstrapError, bootstrap } from "../bootstrap/bootstrap.js";
import { stateDirKeyStore } from "../bootstrap/key-store.js";
import { ImmichApiError } from "../client/api-error.js";
import { backoffDelay, sleep } from "../client/backoff.js";
import { apiUrl, type Credentials, resolveCredentials } from "../credentials.js";
import { reconcileMembers } from "../members/reconcile.js";
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
    | "intervalMs"
    | "debounceMs"
    | "deepEvery"
    | "requestTimeoutMs"
    | "backoff"
    | "queuePollMs"
    | "albumIntervalMs"
    | "albumDeepIntervalMs"
    | "memberIntervalMs"
    | "memberDeepIntervalMs"
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

/**
 * No key given: the worker makes its own. Bootstrap signs up the first admin on a server with none and
 * keeps the worker's key in the state dir (0600); a server not up yet is waited for.
 */
async function bootstrapped(spec: ImmichFamilySpec, options: RunWorkerOptions, logger: Logger): Promise<Credentials> {
  const raw = options.env.IMMICH_URL;
  if (!raw) throw new WorkerSetupError("IMMICH_URL is not set. Set it to the server's address, e.g. IMMICH_URL=https://photos.example.com/api");
  const url = apiUrl(raw);
  const store = stateDirKeyStore(options.stateDir);
  for (let attempt = 0; ; attempt++) {
    try {
      const report = await bootstrap({ spec, baseUrl: url, env: options.env, store, signal: options.signal });
      for (const step of report.steps) logger.info({ admin: report.admin, key: report.key }, `bootstrap: ${step}`);
      return { url, apiKey: report.apiKey, keySource: store.where };
    } catch (error) {
      if (error instanceof BootstrapError) throw new WorkerSetupError(`${error.message} (or set ${spec.worker.apiKey.key} to an admin's API key)`);
      if (!(error instanceof ImmichApiError) || !error.transient || options.once) throw error;
      const delay = backoffDelay(attempt, { baseMs: 1_000, maxMs: 60_000 });
      logger.warn({ err: error.message, retryInMs: delay }, "bootstrap: the server is not answering yet");
      await sleep(delay, options.signal);
    }
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
  let credentials: Credentials;
  const keyGiven = options.apiKeyFile ?? options.env.IMMICH_API_KEY_FILE ?? options.env[spec.worker.apiKey.key];
  try {
    credentials = keyGiven ? await resolveCredentials(spec, options.env, options.apiKeyFile) : await bootstrapped(spec, options, logger);
  } catch (error) {
    if (error instanceof WorkerSetupError || options.signal.aborted) throw error;
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
    reconcileMembers: ({ deep, onError }) =>
      reconcileMembers({
        spec,
        baseUrl: credentials.url,
        adminApiKey: credentials.apiKey,
        env: options.env,
        apply: true,
        deep,
        signal: options.signal,
        stateDir: options.stateDir,
        client: { onError },
      }),
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
