export { compileGlobSet } from "./glob-set.js";
export { type LibraryPollerOptions, LibraryPoller, type PollResult } from "./library-poller.js";
export { IMAGE_EXTENSIONS, MEDIA_EXTENSIONS, VIDEO_EXTENSIONS } from "./media-extensions.js";
export { checkRoots, type RootProblem } from "./root-guard.js";
export type { SnapshotDiff } from "./snapshot.js";
export { defaultWalker, nodeWalker, type WalkInput, type Walker } from "./walker.js";
