import type { PendingDiagnostic } from "../loader-issues.js";
import type { ImmichFamilySpec } from "../schema/spec.js";

/** One cross-field check over a schema-valid spec. Its diagnostics carry the rule's name as code. */
export interface SpecRule {
  readonly name: string;
  readonly description: string;
  readonly check: (spec: ImmichFamilySpec) => PendingDiagnostic[];
}

export type { PendingDiagnostic };
