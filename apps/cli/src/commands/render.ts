import { fstatSync } from "node:fs";
import { join, resolve } from "node:path";
import { escapeControl, formatDiagnosticWithFrame, type ImmichFamilySpec, type RenderedFile, type SpecDiagnostic, type Target } from "@family/immich-spec";
import type { CommandMain } from "../_command.js";
import { CliError } from "../_errors.js";
import { type HeldLock, LOCK_FILE, lockFolder } from "../_folder-lock.js";
import { applyPlan, type FolderPlan, identityOf, type ProtectedFile, planFolder, RECORD_FILE, unifiedDiff } from "../_owned-folder.js";
import { type LoadedSpec, loadSpecOrThrow, STDIN } from "../_spec.js";
import { selectTargets } from "../_targets.js";

/** What render needs of each target's renderer: the files, the closed set of names it can write, the names it once wrote, the next steps. */
interface Renderer {
  readonly render: (spec: ImmichFamilySpec) => RenderedFile[];
  readonly canWrite: (path: string) => boolean;
  readonly former: readonly string[];
  readonly nextSteps: (spec: ImmichFamilySpec, dir: string) => string[];
}

/** Each target's renderer, loaded only when a target of that kind is rendered: a Compose-only spec never loads cdk8s. */
const RENDERERS: Record<Target, () => Promise<Renderer>> = {
  kubernetes: async () => {
    const k8s = await import("@family/immich-k8s");
    return { render: k8s.renderKubernetes, canWrite: k8s.isKubernetesFile, former: [], nextSteps: k8s.kubernetesNextSteps };
  },
  compose: async () => {
    const compose = await import("@family/immich-compose");
    return { render: compose.renderCompose, canWrite: compose.isComposeFile, former: compose.COMPOSE_FORMER_FILES, nextSteps: compose.composeNextSteps };
  },
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

/** The spec being rendered, as render protects it: its file, or standard input when that is a file (`render - < spec.yaml`). */
function protectedSpec(file: string): ProtectedFile[] {
  if (file !== STDIN) {
    const id = identityOf(file);
    return id ? [id] : [];
  }
  try {
    const st = fstatSync(0);
    return st.isFile() ? [{ dev: st.dev, ino: st.ino }] : [];
  } catch {
    return [];
  }
}

function targetFolders(cwd: string, spec: ImmichFamilySpec, opts: RenderOptions) {
  const targets = selectTargets(spec, opts.target);
  return targets.map((target) => {
    const dir = targets.length > 1 ? join(opts.out, target) : opts.out;
    return { target, dir, abs: resolve(cwd, dir) };
  });
}

/** A target's folder, its renderer and the files it renders: rendered once, planned before and again under the lock. */
interface TargetRender {
  readonly target: Target;
  readonly dir: string;
  readonly abs: string;
  readonly renderer: Renderer;
  readonly files: readonly RenderedFile[];
}

async function renderTargets(cwd: string, spec: ImmichFamilySpec, opts: RenderOptions): Promise<TargetRender[]> {
  const rendered: TargetRender[] = [];
  // One target after the other, so a renderer's refusal is reported in the targets' order.
  for (const folder of targetFolders(cwd, spec, opts)) {
    const renderer = await RENDERERS[folder.target]();
    rendered.push({ ...folder, renderer, files: renderer.render(spec) });
  }
  return rendered;
}

function planAll(rendered: readonly TargetRender[], loaded: LoadedSpec, locked: boolean): TargetPlan[] {
  const protect = protectedSpec(loaded.file);
  return rendered.map(({ target, dir, abs, renderer, files }) => ({
    target,
    dir,
    spec: loaded.spec,
    plan: planFolder(abs, dir, files, { canWrite: renderer.canWrite, former: renderer.former, protect, locked }),
  }));
}

/** Render the requested (default: every declared) targets and compare each with its folder, writing nothing. */
export async function planRender(
  cwd: string,
  path: string | undefined,
  opts: RenderOptions,
): Promise<{ plans: TargetPlan[]; warnings: readonly SpecDiagnostic[]; source: string }> {
  const loaded = await loadSpecOrThrow(cwd, path);
  return { plans: planAll(await renderTargets(cwd, loaded.spec, opts), loaded, false), warnings: loaded.warnings, source: loaded.source };
}

/**
 * Why a render of these plans stops before writing anything, as render and diff both report it; or
 * `undefined` when it goes ahead. `force` lets the forceable refusals through.
 */
export function refusalError(plans: readonly TargetPlan[], force: boolean, diffs: readonly string[] = []): CliError | undefined {
  const refusals = plans.flatMap((p) => p.plan.refusals.filter((r) => !r.forceable || !force));
  if (refusals.length === 0) return undefined;
  const forceable = refusals.every((r) => r.forceable);
  return new CliError(
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

async function refuse(plans: readonly TargetPlan[], force: boolean): Promise<void> {
  if (!refusalError(plans, force)) return;
  const diffs = await Promise.all(plans.map((p) => unifiedDiff(p.plan, (c) => c.kind !== "create" && c.owner !== "render")));
  throw refusalError(plans, force, diffs);
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
  /** What render left alone and why (record entries it ignored, a former spec copy), and what it cleaned up (a stale lock, temporary files). */
  readonly notes: readonly string[];
}

/**
 * Take each folder's lock into `locks`. A folder that cannot be locked (a live render holds it, it
 * cannot be created) gets the refusal the check before the lock found (`before`), when it found one.
 */
async function lockAll(rendered: readonly TargetRender[], locks: HeldLock[], before: readonly TargetPlan[], force: boolean): Promise<void> {
  for (const { dir, abs, renderer } of rendered) {
    const owns = (name: string) => name === RECORD_FILE || name === LOCK_FILE || renderer.canWrite(name);
    try {
      locks.push(lockFolder(abs, escapeControl(dir), owns));
    } catch (error) {
      await refuse(before, force);
      throw error;
    }
  }
}

/**
 * Render into `out` (one sub-folder per target when several). Every folder is checked before the
 * first write: a file edited since the last render, a file render did not write, or a folder
 * without a record stops the render with nothing written, unless `force`. Render replaces or
 * removes only the files on each folder's record (RECORD_FILE) that its renderer can write; the spec
 * never. One render at a time per folder: it plans again and writes under the folder's lock.
 */
export async function render(cwd: string, path: string | undefined, opts: RenderOptions): Promise<RenderResult & { source: string }> {
  const loaded = await loadSpecOrThrow(cwd, path);
  const force = opts.force === true;
  const rendered = await renderTargets(cwd, loaded.spec, opts);
  // Checked first without the lock, as `diff` checks. What it finds may be another render's
  // half-written folder, so a refusal it finds is confirmed under the lock, or becomes "locked".
  const before = planAll(rendered, loaded, false);
  const locks: HeldLock[] = [];
  let plans: TargetPlan[];
  try {
    await lockAll(rendered, locks, before, force);
    plans = planAll(rendered, loaded, true);
    await refuse(plans, force);
    for (const p of plans) applyPlan(p.plan);
  } finally {
    for (const lock of locks.reverse()) lock.release();
  }
  const lockNotes = locks.flatMap((l) => l.notes);
  const paths = (p: TargetPlan, kind: string) => p.plan.changes.filter((c) => c.kind === kind).map((c) => c.path);
  return {
    source: loaded.source,
    warnings: loaded.warnings,
    notes: [...lockNotes, ...plans.flatMap((p) => p.plan.notes)],
    outputs: plans.map((p) => ({
      target: p.target,
      dir: p.dir,
      files: [...p.plan.unchanged, ...p.plan.changes.filter((c) => c.kind !== "remove").map((c) => c.path)].sort(),
      created: paths(p, "create"),
      changed: paths(p, "update"),
      removed: paths(p, "remove"),
      nextSteps: rendered.find((r) => r.target === p.target)?.renderer.nextSteps(p.spec, p.dir) ?? [],
    })),
  };
}

export const main: CommandMain = async ({ cwd, io }, [path], flags) => {
  const output = flags.output ?? "text";
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
  for (const note of result.notes) io.stderr(`note: ${note}`);
  for (const o of result.outputs) {
    const n = o.files.length;
    io.stdout(
      `${o.target}: ${escapeControl(o.dir)}: ${n} file${n === 1 ? "" : "s"} (${o.created.length} new, ${o.changed.length} changed, ${n - o.created.length - o.changed.length} unchanged), ${o.removed.length} removed`,
    );
  }
  for (const o of result.outputs) io.stdout(`\nNext steps (${o.target}):\n${o.nextSteps.map((s, i) => `  ${i + 1}. ${s}`).join("\n")}`);
  return 0;
};
