export {
  COMPOSE_MACHINE_LEARNING_SERVICE,
  kubernetesMachineLearningService,
  MACHINE_LEARNING_PORT,
  machineLearningUrl,
} from "./machine-learning-url.js";
export {
  buildImmichConfig,
  type FfmpegAccel,
  type ImmichConfig,
  passthroughSecretKeys,
  renderImmichConfigTemplate,
} from "./render.js";
export { ffmpegAccel, hostOf, immichLibraryScan } from "./composite-settings.js";
export { type FillResult, fillTemplate, templateKeys } from "./fill-template.js";
export { immichCronProblem } from "./cron.js";
export { type ConfigObject, type ConfigSchemaIssue, checkImmichConfig, immichConfigDefaults, isPlainObject, mergeConfig } from "./config-schema.js";
export {
  type BackContext,
  CONFIG_SETTINGS,
  type ConfigLeaf,
  type ConfigReader,
  type ConfigSetting,
  configReader,
  type ForwardContext,
  readConfigSettings,
} from "./config-keys.js";
