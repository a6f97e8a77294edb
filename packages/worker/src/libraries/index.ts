export { describeAction, type LibraryAction, type LibraryPlan, type LibraryProblem, planLibraries } from "./plan.js";
export { type ReconcileOptions, type ReconcileResult, reconcileLibraries, type ResolvedLibrary } from "./reconcile.js";
