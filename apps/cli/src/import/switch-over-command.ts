import { formatDiagnosticWithFrame, parseSpec } from "@family/immich-spec";
import type { CommandContext } from "../_command.js";
import { CliError } from "../_errors.js";
import { readSpecSource } from "../_spec.js";
import { readComposeFolder } from "./compose-adoption.js";
import { ImportFolder } from "./_read.js";
import type { DraftObject } from "./_draft.js";
import { readManifests } from "./kubernetes-folder.js";
import { composeSwitchOver, switchOverLines } from "./switch-over.js";
import { kubernetesSwitchOver } from "./switch-over-kubernetes.js";

/**
 * `immich-family diff [spec] --against-compose DIR` / `--against-kubernetes DIR`: the spec's render
 * compared with the install in DIR, as import's switch-over report. Reads only. Exit 0 when they
 * match, 1 when they differ (a difference on data is an error line), 2 for bad input.
 */
export async function diffAgainst(ctx: CommandContext, path: string | undefined, target: "compose" | "kubernetes", dir: string): Promise<number> {
  const { shown, source } = await readSpecSource(ctx.cwd, path);
  const parsed = parseSpec(source, shown);
  if (!parsed.ok) {
    throw new CliError("spec-invalid", `${shown} is not a valid spec (${parsed.errors.length} error${parsed.errors.length === 1 ? "" : "s"})`, {
      details: parsed.errors.map((d) => formatDiagnosticWithFrame(d, source)),
    });
  }
  if (!parsed.value.targets[target])
    throw new CliError(
      "bad-arguments",
      `${shown} declares no ${target === "compose" ? "Compose" : "Kubernetes"} target (targets.${target}) to compare with ${dir}.`,
    );
  const folder = ImportFolder.open(ctx.cwd, dir, `--against-${target}`);
  const env = ctx.env;
  const differences =
    target === "compose"
      ? composeSwitchOver(
          readComposeFolder(folder, (name) => (Object.hasOwn(env, name) ? env[name] : undefined)),
          parsed.value,
        )
      : kubernetesSwitchOver(
          readManifests(folder, () => {}).map((o) => o.raw as DraftObject),
          parsed.value,
        );
  for (const line of switchOverLines(dir, differences)) ctx.io.stdout(line);
  return differences.length === 0 ? 0 : 1;
}
