export { type DoctorCheck, type DoctorReport, runDoctor } from "./run-doctor.js";
