import type { ImmichFamilySpec } from "@family/immich-spec";
import type { ToolResult } from "../_tool.js";

/** What every preflight check reads: the spec, where Compose's relative paths resolve, and a way to run tools. */
export interface PreflightContext {
  readonly spec: ImmichFamilySpec;
  /** Folder the Compose target's relative host paths resolve against (where compose.yaml is rendered). */
  readonly composeDir: string;
  /** Run a tool found on the PATH. */
  readonly run: (command: string, args: readonly string[]) => Promise<ToolResult>;
}
