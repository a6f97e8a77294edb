import { escapeControl, type Target } from "@family/immich-spec";
import type { CommandMain } from "../_command.js";
import { CliError } from "../_errors.js";
import { unifiedDiff } from "../_owned-folder.js";
import { planRender, refusalError } from "./render.js";

export interface DiffResult {
  /** Whether a render would change anything: a file, or a folder's record. */
  readonly changed: boolean;
  /** Every change as one unified diff (`a/` what is there, `b/` what render would write). */
  readonly patch: string;
  readonly outputs: readonly {
    readonly target: Target;
    readonly dir: string;
    readonly created: readonly string[];
    readonly changed: readonly string[];
    readonly removed: readonly string[];
    /** Files render wrote that were edited since: render refuses to overwrite or remove them without --force. */
    readonly edited: readonly string[];
    /** Files render would overwrite that are not on its record. */
    readonly unrecorded: readonly string[];
    /** Why a render would stop, each with its way out. */
    readonly refusals: readonly { readonly message: string; readonly forceable: boolean; readonly path?: string }[];
    /** What render would leave alone and say so: record entries it ignores, a former spec copy. */
    readonly notes: readonly string[];
  }[];
  /** The error a render with the same options would stop with (exit 1), as render words it; `undefined` when it would go ahead. */
  readonly refused?: { readonly message: string; readonly details: readonly string[] };
}

/** What `render` with the same options would change in each target folder, and whether it would stop (the same plan, the same refusals). Reads only. */
export async function diff(
  cwd: string,
  path: string | undefined,
  opts: { target?: string | undefined; out: string; force?: boolean | undefined },
): Promise<DiffResult> {
  const { plans } = await planRender(cwd, path, opts);
  const refused = refusalError(plans, opts.force === true);
  const patches = await Promise.all(plans.map((p) => unifiedDiff(p.plan)));
  const outputs = plans.map(({ target, dir, plan }) => {
    const of = (kind: string) => plan.changes.filter((c) => c.kind === kind).map((c) => c.path);
    const owned = (owner: string) => plan.changes.filter((c) => c.kind !== "create" && c.owner === owner).map((c) => c.path);
    return {
      target,
      dir,
      created: of("create"),
      changed: of("update"),
      removed: of("remove"),
      edited: owned("edited"),
      unrecorded: owned("user"),
      refusals: plan.refusals,
      notes: plan.notes,
    };
  });
  return {
    changed: plans.some((p) => p.plan.changes.length > 0 || p.plan.record !== undefined),
    patch: patches.join(""),
    outputs,
    ...(refused ? { refused: { message: refused.message, details: refused.details } } : {}),
  };
}

const list = (paths: readonly string[]) => paths.map(escapeControl).join(", ");

export const main: CommandMain = async (ctx, [path], flags) => {
  const against = typeof flags.againstCompose === "string" ? "compose" : typeof flags.againstKubernetes === "string" ? "kubernetes" : undefined;
  if (against)
    return (await import("../import/switch-over-command.js")).diffAgainst(ctx, path, against, String(flags.againstCompose ?? flags.againstKubernetes));
  const { cwd, io } = ctx;
  const output = flags.output ?? "text";
  const result = await diff(cwd, path, { target: flags.target as string | undefined, out: String(flags.out ?? "rendered"), force: flags.force === true });
  if (output === "json") io.stdout(JSON.stringify(result, null, 2));
  else {
    if (result.patch !== "") io.stdout(result.patch);
    for (const o of result.outputs) {
      for (const note of o.notes) io.stderr(`note: ${note}`);
      io.stderr(`${o.target}: ${escapeControl(o.dir)}: ${o.created.length} new, ${o.changed.length} changed, ${o.removed.length} removed`);
      if (o.edited.length > 0) io.stderr(`  edited since the last render (render refuses them without --force): ${list(o.edited)}`);
      if (o.unrecorded.length > 0) io.stderr(`  not written by render (render refuses them without --force): ${list(o.unrecorded)}`);
    }
    io.stderr(
      result.refused
        ? "Summary: render would stop without writing anything"
        : result.changed
          ? "Summary: render would change the folders above"
          : "Summary: render would change nothing",
    );
  }
  // Render would stop: the same error, so CI gating on diff sees what render will say.
  if (result.refused) throw new CliError("conflict", result.refused.message, { details: result.refused.details });
  return result.changed ? 1 : 0;
};
