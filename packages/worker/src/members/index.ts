export { type DesiredMember, desiredMembers, firstAdmin } from "./desired.js";
export { type MemberChange, type MemberPlan, planMembers } from "./plan.js";
export { type MemberOutcome, type MembersReconcileOptions, type MembersReport, reconcileMembers } from "./reconcile.js";
