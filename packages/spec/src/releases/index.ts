export { type BreakingChange, type ChangeArea, compareVersions, type ImmichLine, normalizeVersion, parseVersion, type RequiredStop } from "./release-line.js";
export { type ChangedDefault, changedDefaults, configAt, configValue, pinConfigValues } from "./changed-defaults.js";
export { isSupported, lineOf, nearestLine, newestSupportedRelease, supportedLines, supportedRange } from "./line-of.js";
export { IMMICH_LINES, type LineMajor, type SupportedLine } from "./lines.js";
export { setImmichVersion } from "./set-version.js";
export { EVERY_UPGRADE_STEPS, type LineStep, planUpgrade, REQUIRED_STOPS, type UpgradePlan } from "./upgrade-plan.js";
