import { errorMessage, type ImmichFamilySpec } from "@family/immich-spec";
import type { ToolResult } from "./tool.js";

export type PreflightStatus = "pass" | "fail" | "skip";

/** One line of the preflight report; `fix` says what to do when it did not pass. */
export interface PreflightCheck {
  readonly check: string;
  readonly status: PreflightStatus;
  readonly detail: string;
  readonly fix?: string;
}

export interface PreflightContext {
  readonly spec: ImmichFamilySpec;
  /** Folder the Compose target's relative host paths resolve against (where compose.yaml is rendered). */
  readonly composeDir: string;
  /** Run a tool found on the PATH. */
  readonly run: (command: string, args: readonly string[]) => Promise<ToolResult>;
}

/** A small check; it may report several lines (one per CRD, per path, …). */
export interface Check {
  readonly name: string;
  readonly run: (ctx: PreflightContext) => Promise<PreflightCheck[]>;
}

/** Run every check; one that throws becomes a failed line of its own and the others still run. */
export async function runChecks(checks: readonly Check[], ctx: PreflightContext): Promise<PreflightCheck[]> {
  const out: PreflightCheck[] = [];
  for (const check of checks) {
    try {
      out.push(...(await check.run(ctx)));
    } catch (error) {
      out.push({ check: check.name, status: "fail", detail: `the check itself failed: ${errorMessage(error)}` });
    }
  }
  return out;
}
