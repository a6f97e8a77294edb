export { type DesiredMember, desiredMembers, firstAdmin, preferencesUpdate } from "./desired.js";
export { type AccountFields, type MemberChange, type MemberPlan, type MembersServerState, planMembers, preferencesDiff } from "./plan.js";
export { type MemberOutcome, type MembersReconcileOptions, type MembersReport, reconcileMembers } from "./reconcile.js";
