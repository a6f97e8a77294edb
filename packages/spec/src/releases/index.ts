export { type BreakingChange, type ChangeArea, compareVersions, normalizeVersion, parseVersion, type ReleaseLine, type RequiredStop } from "./release-line.js";
export { type ChangedDefault, changedDefaults, configAt, configValue, pinConfigValues } from "./changed-defaults.js";
export { setImmichVersion } from "./set-version.js";
export {
  EVERY_UPGRADE_STEPS,
  type LineStep,
  newestSupportedRelease,
  planUpgrade,
  RELEASE_LINES,
  releaseLine,
  REQUIRED_STOPS,
  type UpgradePlan,
} from "./upgrade-plan.js";
