export type { CommandContext, CommandMain, Flags } from "./_command.js";
export { CliError, type CliErrorCode } from "./_errors.js";
export type { Io } from "./_io.js";
export { render, type RenderResult } from "./commands/render.js";
export { type ValidateResult, validate } from "./commands/validate.js";
