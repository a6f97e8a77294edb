/** One problem found in a spec file, at its file, line and column, with a stable code. */
export interface SpecDiagnostic {
  readonly file: string;
  /** 1-based line of the offending node. */
  readonly line: number;
  /** 1-based column of the offending node. */
  readonly column: number;
  /** End of the offending node (exclusive column), when known; the code frame underlines up to it. */
  readonly endLine?: number;
  readonly endColumn?: number;
  /** Dotted path of the field, e.g. `targets.kubernetes.database.instances`. */
  readonly path: string;
  readonly message: string;
  /** A stable code, e.g. `invalid_type`, `unknown-key`, `secret-literal`. */
  readonly code: string;
  readonly severity: "error" | "warning";
}

/** Segments of a path into the spec, as zod and the YAML document use them. */
export type SpecPath = readonly (string | number)[];

export function dottedPath(path: SpecPath): string {
  return path.map(String).join(".");
}
