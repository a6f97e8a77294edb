export { type RuleFinding, runRule, type SpecRule } from "./_rule.js";
export { isSecretEnvName } from "./server-environment.js";
export { specRules } from "./spec-rules.js";
export { STORAGE_TEMPLATE_TOKENS } from "./storage-template.js";
export { VECTORCHORD_RANGE } from "./vector-extension.js";
