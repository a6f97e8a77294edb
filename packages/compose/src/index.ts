export { type CheckProblem, checkComposeReferences } from "./check-references.js";
export { COMPOSE_FILES, COMPOSE_FORMER_FILES, isComposeFile, SERVICE as COMPOSE_SERVICES } from "./_context.js";
export { buildComposeFile, type ComposeOptions } from "./compose-file.js";
export type { ComposeFile, ComposeNetwork, ComposeService, ComposeVolume } from "./compose-model.js";
export { ffmpegAccel, mlImageSuffix, mlProfile, transcodingProfile } from "./hwaccel.js";
export { composeNextSteps } from "./next-steps.js";
export { renderCompose } from "./render-compose.js";
export { serializeCompose } from "./serialize.js";
export { traefikLabels } from "./traefik-labels.js";
