import { join, resolve } from "node:path";
import {
  type Check,
  type CheckReport,
  type CheckResult,
  checkReport,
  checkReportLines,
  type ImmichFamilySpec,
  runChecks,
  type Target,
} from "@family/immich-spec";
import { runTool } from "../_tool.js";
import { selectTargets } from "../_targets.js";
import type { PreflightContext } from "./check.js";
import { COMPOSE_CHECKS } from "./compose.js";
import { KUBERNETES_CHECKS } from "./kubernetes.js";

const CHECKS: Record<Target, readonly Check<PreflightContext>[]> = { kubernetes: KUBERNETES_CHECKS, compose: COMPOSE_CHECKS };

export interface PreflightReport extends CheckReport {
  readonly targets: readonly { readonly target: Target; readonly checks: readonly CheckResult[] }[];
}

export interface PreflightOptions {
  readonly spec: ImmichFamilySpec;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** `--target`: one declared target; default every declared one. */
  readonly target?: string | undefined;
  /** The render's `--out` folder: compose's relative host paths resolve against it (its compose/ sub-folder when the spec declares both targets). */
  readonly out: string;
}

/** Check the machine and the cluster the spec's targets are about to be deployed to; no Immich server needed. */
export async function runPreflight(o: PreflightOptions): Promise<PreflightReport> {
  const targets = selectTargets(o.spec, o.target);
  const several = Object.values(o.spec.targets).filter(Boolean).length > 1;
  const ctx: PreflightContext = {
    spec: o.spec,
    composeDir: resolve(o.cwd, several ? join(o.out, "compose") : o.out),
    run: (command, args) => runTool(command, args, { env: o.env, timeoutMs: 15_000 }),
  };
  const out = [];
  for (const target of targets) out.push({ target, checks: await runChecks(CHECKS[target], ctx) });
  return { ...checkReport(out.flatMap((t) => t.checks)), targets: out };
}

/** The preflight as text: one table per target, titled `<target> preflight`. */
export function preflightLines(report: PreflightReport): string[] {
  return checkReportLines(report.targets.map((t) => ({ title: `${t.target} preflight`, checks: t.checks })));
}
