import { join, resolve } from "node:path";
import { composeNextSteps, renderCompose } from "@family/immich-compose";
import { kubernetesNextSteps, renderKubernetes } from "@family/immich-k8s";
import { formatDiagnosticWithFrame, type ImmichFamilySpec, type RenderedFile, type SpecDiagnostic, type Target } from "@family/immich-spec";
import type { CommandMain } from "../_command.js";
import { CliError } from "../_errors.js";
import { applyPlan, type FolderPlan, planFolder, RECORD_FILE, unifiedDiff } from "../_owned-folder.js";
import { loadSpecOrThrow } from "../_spec.js";
import { selectTargets } from "../_targets.js";

const RENDERERS: Record<Target, (spec: ImmichFamilySpec) => RenderedFile[]> = {
  kubernetes: renderKubernetes,
  compose: renderCompose,
};

const NEXT_STEPS: Record<Target, (spec: ImmichFamilySpec, dir: string) => string[]> = {
  kubernetes: kubernetesNextSteps,
  compose: composeNextSteps,
};

export interface RenderOptions {
  readonly target?: string | undefined;
  readonly out: string;
  /** Overwrite edited or unrecorded files and adopt a folder without a record; still deletes nothing render did not write. */
  readonly force?: boolean | undefined;
}

export interface TargetPlan {
  readonly target: Target;
  /** The folder as the user named it (relative to cwd, or absolute). */
  readonly dir: string;
  readonly spec: ImmichFamilySpec;
  readonly plan: FolderPlan;
}

/** Render the requested (default: every declared) targets and compare each with its folder, writing nothing. */
export async function planRender(
  cwd: string,
  path: string | undefined,
  opts: RenderOptions,
): Promise<{ plans: TargetPlan[]; warnings: readonly SpecDiagnostic[]; source: string }> {
  const { file, spec, warnings, source } = await loadSpecOrThrow(cwd, path);
  const targets = selectTargets(spec, opts.target);
  const plans = targets.map((target) => {
    const dir = targets.length > 1 ? join(opts.out, target) : opts.out;
    return { target, dir, spec, plan: planFolder(resolve(cwd, dir), dir, RENDERERS[target](spec), { protect: [file] }) };
  });
  return { plans, warnings, source };
}

/** What `render` did: per target its folder and the files it created, changed and removed; and the spec's warnings. */
export interface RenderResult {
  readonly outputs: readonly {
    readonly target: Target;
    readonly dir: string;
    readonly files: readonly string[];
    readonly created: readonly string[];
    readonly changed: readonly string[];
    readonly removed: readonly string[];
    readonly nextSteps: readonly string[];
  }[];
  readonly warnings: readonly SpecDiagnostic[];
}

/**
 * Render into `out` (one sub-folder per target when several). Every folder is checked before the
 * first write: a file edited since the last render, a file render did not write, or a folder
 * without a record stops the render with nothing written, unless `force`. Render replaces or
 * removes only the files on each folder's record (RECORD_FILE); nothing else is touched.
 */
export async function render(cwd: string, path: string | undefined, opts: RenderOptions): Promise<RenderResult & { source: string }> {
  const { plans, warnings, source } = await planRender(cwd, path, opts);
  const refusals = plans.flatMap((p) => p.plan.refusals.filter((r) => !r.forceable || !opts.force));
  if (refusals.length > 0) {
    const diffs = await Promise.all(plans.map((p) => unifiedDiff(p.plan, (c) => c.kind !== "create" && c.owner !== "render")));
    const forceable = refusals.every((r) => r.forceable);
    throw new CliError(
      "conflict",
      `render stopped before writing anything: ${refusals.length === 1 ? "1 problem" : `${refusals.length} problems`} in the output folder${plans.length > 1 ? "s" : ""}`,
      {
        details: [
          ...refusals.map((r) => `  ${r.message}`),
          ...(forceable ? [`Render owns only the files listed in each folder's ${RECORD_FILE}; \`immich-family diff\` shows every change it would make.`] : []),
          ...diffs.filter((d) => d !== ""),
        ],
      },
    );
  }
  for (const p of plans) applyPlan(p.plan);
  const paths = (p: TargetPlan, kind: string) => p.plan.changes.filter((c) => c.kind === kind).map((c) => c.path);
  return {
    source,
    warnings,
    outputs: plans.map((p) => ({
      target: p.target,
      dir: p.dir,
      files: [...p.plan.unchanged, ...p.plan.changes.filter((c) => c.kind !== "remove").map((c) => c.path)].sort(),
      created: paths(p, "create"),
      changed: paths(p, "update"),
      removed: paths(p, "remove"),
      nextSteps: NEXT_STEPS[p.target](p.spec, p.dir),
    })),
  };
}

export const main: CommandMain = async ({ cwd, io }, [path], flags) => {
  const output = flags.output ?? "text";
  if (output !== "text" && output !== "json") throw new CliError("bad-arguments", `--output must be text or json, got ${String(output)}`);
  const { source, ...result } = await render(cwd, path, {
    target: flags.target as string | undefined,
    out: String(flags.out ?? "rendered"),
    force: flags.force === true,
  });
  if (output === "json") {
    io.stdout(JSON.stringify(result, null, 2));
    return 0;
  }
  for (const d of result.warnings) io.stderr(`${formatDiagnosticWithFrame(d, source)}\n`);
  for (const o of result.outputs) {
    const n = o.files.length;
    io.stdout(
      `${o.target}: ${o.dir}: ${n} file${n === 1 ? "" : "s"} (${o.created.length} new, ${o.changed.length} changed, ${n - o.created.length - o.changed.length} unchanged), ${o.removed.length} removed`,
    );
  }
  for (const o of result.outputs) io.stdout(`\nNext steps (${o.target}):\n${o.nextSteps.map((s, i) => `  ${i + 1}. ${s}`).join("\n")}`);
  return 0;
};
