import type { ImmichFamilySpec, Target } from "@family/immich-spec";
import { CliError } from "./_errors.js";

/** Every target, in the order commands list them. */
export const TARGETS: readonly Target[] = ["kubernetes", "compose"];

/** The targets the spec declares, in a stable order. */
export function declaredTargets(spec: ImmichFamilySpec): Target[] {
  return TARGETS.filter((t) => spec.targets[t] !== undefined);
}

/** The targets a command works on: the one `--target` names (it must be declared), else every declared one. */
export function selectTargets(spec: ImmichFamilySpec, asked: unknown): Target[] {
  const declared = declaredTargets(spec);
  if (asked === undefined) return declared;
  if (asked !== "kubernetes" && asked !== "compose") throw new CliError("bad-arguments", `--target must be kubernetes or compose, got ${String(asked)}`);
  if (!declared.includes(asked)) {
    throw new CliError(
      "bad-arguments",
      `The spec declares no ${asked} target (it declares: ${declared.join(", ")}). Add targets.${asked} or pick another --target.`,
    );
  }
  return [asked];
}
