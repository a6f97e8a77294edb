export { compileGlobSet } from "./glob-set.js";
export { LibraryPoller, type PollResult } from "./library-poller.js";
export { MEDIA_EXTENSIONS } from "./media-extensions.js";
export { checkRoots, type RootProblem } from "./root-guard.js";
export type { SnapshotDiff } from "./snapshot.js";
export { defaultWalker, nodeWalker, type Walker } from "./walker.js";
