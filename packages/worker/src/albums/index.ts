export { type AlbumLevels, albumName, albumSlice, checkNameRules } from "./album-name.js";
export { type AlbumPropsError, type AlbumPropsFile, formatAlbumPropsError, parseAlbumProps, type ShareRole } from "./albumprops.js";
export { type ResolvedAlbumProperties, resolveAlbumProperties } from "./albumprops-inherit.js";
export { type DesiredAlbum, type DesiredState, desiredAlbums, type LibraryAsset } from "./desired.js";
export { folderFilter } from "./folder-filter.js";
export { type AlbumMarker, markerLine, parseMarker } from "./marker.js";
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
export { type AlbumLogLine, albumLogLines, changeWords, plural } from "./change-words.js";
export { type ServerAlbum, toServerAlbum } from "./server-album.js";
export { albumSyncAfterScan, type AlbumHookOptions } from "./after-scan.js";
