import type { CommandMain } from "../_command.js";
import { CliError } from "../_errors.js";

// Placeholder until the command lands; the issue that owns it replaces this file.
export const main: CommandMain = async () => {
  throw new CliError("internal", "`init` is not implemented yet");
};
