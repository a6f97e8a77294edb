export { type DoctorReport, runDoctor } from "./run-doctor.js";
