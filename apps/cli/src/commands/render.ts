import { join, resolve } from "node:path";
import { renderCompose } from "@family/immich-compose";
import { renderKubernetes } from "@family/immich-k8s";
import type { ImmichFamilySpec, RenderedFile, Target } from "@family/immich-spec";
import type { CommandMain } from "../_command.js";
import { loadSpecOrThrow } from "../_spec.js";
import { selectTargets } from "../_targets.js";
import { writeFolderAtomically } from "../_write.js";

const RENDERERS: Record<Target, (spec: ImmichFamilySpec) => RenderedFile[]> = {
  kubernetes: renderKubernetes,
  compose: renderCompose,
};

/** Files the user keeps inside a rendered folder, which a re-render must not delete. */
function userFiles(spec: ImmichFamilySpec, target: Target): string[] {
  if (target === "compose") return spec.targets.compose ? [spec.targets.compose.envFile] : [];
  const secrets = spec.targets.kubernetes?.secrets;
  return secrets && "envFile" in secrets ? [secrets.envFile] : [];
}

export interface RenderResult {
  readonly outputs: readonly { readonly target: Target; readonly dir: string; readonly files: readonly string[] }[];
}

/** Render the requested (default: every declared) target into `out`, one sub-folder per target when several. */
export async function render(cwd: string, path: string | undefined, opts: { target?: string | undefined; out: string }): Promise<RenderResult> {
  const { spec } = await loadSpecOrThrow(cwd, path);
  const targets = selectTargets(spec, opts.target);
  // Render everything before writing anything: a renderer failure leaves every folder untouched.
  const rendered = targets.map((target) => ({ target, dir: targets.length > 1 ? join(opts.out, target) : opts.out, files: RENDERERS[target](spec) }));
  for (const r of rendered) await writeFolderAtomically(resolve(cwd, r.dir), r.files, userFiles(spec, r.target));
  return { outputs: rendered.map((r) => ({ target: r.target, dir: r.dir, files: r.files.map((f) => f.path) })) };
}

export const main: CommandMain = async ({ cwd, io }, [path], flags) => {
  const result = await render(cwd, path, { target: flags.target as string | undefined, out: String(flags.out ?? "rendered") });
  if (flags.output === "json") io.stdout(JSON.stringify(result, null, 2));
  else for (const o of result.outputs) io.stdout(`${o.target}: wrote ${o.files.length} files to ${o.dir}`);
  return 0;
};
