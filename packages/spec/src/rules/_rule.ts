import type { PendingDiagnostic } from "../loader-issues.js";
import type { ImmichFamilySpec } from "../schema/spec.js";

/** A top-level section of the spec; a rule runs when every section it reads passed the schema. */
export type SpecSection = keyof ImmichFamilySpec;

/** What a rule finds: a diagnostic without its code, which is always the rule's name (see {@link runRule}). */
export type RuleFinding = Omit<PendingDiagnostic, "code">;

/**
 * One cross-field check. It reads only the sections it `needs`: when another section has schema
 * errors the rule still runs, and when one of its own does, it is skipped. A rule that needs no
 * section walks whichever sections are present. Its diagnostics carry the rule's name as code.
 */
export interface SpecRule {
  /** The rule's name, also the `code` of every diagnostic it reports. */
  readonly name: string;
  readonly description: string;
  readonly needs: readonly SpecSection[];
  readonly check: (spec: ImmichFamilySpec) => RuleFinding[];
}

/** Runs one rule on the spec; every finding becomes a diagnostic whose code is the rule's name. */
export function runRule(rule: SpecRule, spec: ImmichFamilySpec): PendingDiagnostic[] {
  return rule.check(spec).map((finding) => ({ ...finding, code: rule.name }));
}

export type { PendingDiagnostic };
