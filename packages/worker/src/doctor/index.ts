export { albumKeyPermissions, grants, memberKeyPermissions, type PermissionNeed, workerKeyPermissions } from "./required-permissions.js";
export { type CheckStatus, type DoctorCheck, type DoctorOptions, type DoctorReport, runDoctor } from "./run-doctor.js";
