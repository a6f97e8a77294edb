export {
  buildImmichConfig,
  type ConfigObject,
  type ConfigSchemaIssue,
  checkImmichConfig,
  immichConfigDefaults,
  isPlainObject,
  mergeConfig,
  passthroughSecretKeys,
  COMPOSE_MACHINE_LEARNING_SERVICE,
  type FfmpegAccel,
  type FillResult,
  ffmpegAccel,
  fillTemplate,
  type ImmichConfig,
  immichCronProblem,
  immichLibraryScan,
  kubernetesMachineLearningService,
  MACHINE_LEARNING_PORT,
  machineLearningUrl,
  renderImmichConfigTemplate,
  templateKeys,
} from "./immich-config/index.js";
export {
  CLUSTER_ISSUER_ANNOTATION,
  CONFIG_FILL_ARGS,
  CONTAINER_PATHS,
  DRILL_CHECK_ARGS,
  DRILL_DATABASE_URL_ENV,
  IMMICH_CONFIG_TEMPLATE,
  IMMICH_MACHINE_LEARNING_IMAGE,
  IMMICH_SERVER_IMAGE,
  immichServerImage,
  machineLearningImage,
  mlImageSuffix,
  NFS_CSI_DRIVER,
  PORTS,
  transcodingAccel,
  WORKER_ARGS,
  WORKER_ENDPOINTS,
} from "./facts.js";
export { errorMessage } from "./error-message.js";
export type { RenderedFile } from "./rendered-file.js";
export { specYaml, yamlText } from "./yaml-text.js";
export {
  immichMajor,
  libraryImportPaths,
  libraryName,
  mobileRelayHost,
  oauthIssuerUrl,
  oauthMobileRedirect,
  oauthRedirectUris,
  DEFAULT_WORKER_IMAGE_REPOSITORY,
  workerImage,
} from "./derive.js";
export { VALKEY_PASSWORD_ENV, valkeyStartScript } from "./valkey.js";
export { envFileTemplate, type SecretKeyInfo, type SecretReader, secretKeys, type Target } from "./secrets.js";
export {
  escapeControl,
  formatDiagnostic,
  formatDiagnosticWithFrame,
  type LoadResult,
  loadSpecFile,
  parseSpec,
  SPEC_LIMITS,
  type SpecDiagnostic,
  sizeProblem,
} from "./loader.js";
export { SPEC_JSON_SCHEMA_FILE, specJsonSchema, specJsonSchemaText } from "./json-schema.js";
export {
  type BreakingChange,
  type ChangeArea,
  compareVersions,
  EVERY_UPGRADE_STEPS,
  type LineStep,
  newestSupportedRelease,
  normalizeVersion,
  parseVersion,
  planUpgrade,
  RELEASE_LINES,
  type ReleaseLine,
  releaseLine,
  REQUIRED_STOPS,
  type RequiredStop,
  setImmichVersion,
  type UpgradePlan,
} from "./releases/index.js";
export { type RuleFinding, runRule, type SpecRule, specRules, STORAGE_TEMPLATE_TOKENS, VECTORCHORD_RANGE } from "./rules/index.js";
export { durationMs, HANDLE_PATTERN, HOSTNAME_PATTERN, SECRET_KEY_RE, type Resources, type SecretRef, type ValueOrSecret } from "./schema/primitives.js";
export {
  type AlbumRules,
  API_VERSION,
  type ComposeTarget,
  type ImmichFamilySpec,
  type ImmichFamilySpecInput,
  immichFamilySpec,
  KIND,
  type KubernetesTarget,
  type Library,
  type Member,
  type OAuth,
} from "./schema/spec.js";
