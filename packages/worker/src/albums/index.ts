export { albumSyncAfterScan, type AlbumHookOptions } from "./after-scan.js";
export { type AlbumLogLine, albumLogLines, changeWords, plural } from "./change-words.js";
export { parseAlbumProps } from "./albumprops.js";
export { type AlbumChange, type AlbumPlan, planAlbums } from "./plan.js";
export {
  type AlbumOutcome,
  type AlbumOutcomes,
  type AlbumSummary,
  type AlbumReconcileOptions,
  type AlbumReconcileReport,
  type LibraryAlbumResult,
  reconcileAlbums,
} from "./reconcile.js";
