export {
  type AlbumChange,
  type AlbumHookOptions,
  type AlbumLogLine,
  albumLogLines,
  type AlbumOutcome,
  type AlbumOutcomes,
  type AlbumPlan,
  type AlbumSummary,
  type AlbumReconcileOptions,
  type AlbumReconcileReport,
  albumSyncAfterScan,
  changeWords,
  type LibraryAlbumResult,
  parseAlbumProps,
  planAlbums,
  plural,
  reconcileAlbums,
} from "./albums/index.js";
export {
  BootstrapError,
  type BootstrapOptions,
  type BootstrapReport,
  bootstrap,
  bootstrapPermissions,
  envFileKeyStore,
  type KeyStore,
  readEnvFile,
  stateDirKeyStore,
  WORKER_KEY_NAME,
} from "./bootstrap/index.js";
export { type ApiErrorKind, ImmichApiError, toApiError } from "./client/api-error.js";
export { type BackoffOptions, backoffDelay, sleep } from "./client/backoff.js";
export { ImmichClient, type ImmichClientOptions, type SdkOpts } from "./client/immich-client.js";
export {
  checkRoots,
  compileGlobSet,
  defaultWalker,
  LibraryPoller,
  MEDIA_EXTENSIONS,
  nodeWalker,
  type PollResult,
  type RootProblem,
  type SnapshotDiff,
  type Walker,
} from "./changes/index.js";
export { apiUrl, type Credentials, CredentialsError, resolveCredentials } from "./credentials.js";
export { type DoctorReport, runDoctor } from "./doctor/index.js";
export {
  describeAction,
  type LibraryAction,
  type LibraryPlan,
  type LibraryProblem,
  planLibraries,
  type ReconcileOptions,
  type ReconcileResult,
  reconcileLibraries,
  type ResolvedLibrary,
} from "./libraries/index.js";
export {
  type DesiredMember,
  desiredMembers,
  firstAdmin,
  type MemberChange,
  type MemberOutcome,
  type MemberPlan,
  type MembersReconcileOptions,
  type MembersReport,
  planMembers,
  reconcileMembers,
} from "./members/index.js";
export { type LibraryScanOutcome, type ScanOptions, type ScanReport, scanLibraries } from "./scan/scan-libraries.js";
export { libraryQueue, waitForScan } from "./scan/wait-for-scan.js";
export { createLogger, type Logger } from "./service/logger.js";
export { WorkerMetrics } from "./service/metrics.js";
export { type RunWorkerOptions, runWorker, WorkerSetupError } from "./service/run-worker.js";
export { WorkerService, type WorkerServiceOptions } from "./service/worker-service.js";
