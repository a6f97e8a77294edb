import type { PendingDiagnostic } from "../loader-issues.js";
import type { ImmichFamilySpec } from "../schema/spec.js";

/** A top-level section of the spec; a rule runs when every section it reads passed the schema. */
export type SpecSection = keyof ImmichFamilySpec;

/**
 * One cross-field check. It reads only the sections it `needs`: when another section has schema
 * errors the rule still runs, and when one of its own does, it is skipped. A rule that needs no
 * section walks whichever sections are present. Its diagnostics carry the rule's name as code.
 */
export interface SpecRule {
  readonly name: string;
  readonly description: string;
  readonly needs: readonly SpecSection[];
  readonly check: (spec: ImmichFamilySpec) => PendingDiagnostic[];
}

export type { PendingDiagnostic };
