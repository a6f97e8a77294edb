export { badRequest, errorResponse, FakeHttpError, notFound, type ValidationIssue } from "./errors.js";
export { type FaultKind, type FaultSpec, Faults } from "./faults.js";
export { JobRunner, type JobRunnerOptions } from "./jobs.js";
export { isWrite, type LoggedRequest } from "./request-log.js";
export {
  type FakeAuth,
  FakeRouter,
  type Route,
  type RouteContext,
  type RouteHandler,
  type RouteModule,
  type RouteOptions,
  type RouteResult,
} from "./router.js";
export { assetDto, defaultRoutes, userAdminDto, userDto } from "./routes/index.js";
export { type OAuthProfile, oauthLogin } from "./routes/auth.js";
export { Checks, objectBody } from "./routes/validation.js";
export { listLibraryFiles, type ScanOutcome, scanLibrary } from "./scanner.js";
export { createFakeImmich, DEFAULT_VERSION, type FakeImmich, type FakeImmichOptions, withFakeImmich } from "./server.js";
export {
  type FakeApiKey,
  type FakeAsset,
  type FakeLibrary,
  type FakePartner,
  type FakeUserInput,
  defaultPreferences,
  FakeState,
  type FakeUser,
  now,
  QUEUE_NAMES,
  type QueueCounts,
  type QueueName,
  type ServerVersion,
} from "./state.js";
export { albumState, type FakeActivity, type FakeAlbum, type FakeAlbumRole, type FakeAlbumState, type FakeSharedLink } from "./albums-state.js";
export { albumDto, albumRoutes } from "./routes-albums.js";
