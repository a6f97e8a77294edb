import { readFile } from "node:fs/promises";
import { LineCounter, parseDocument } from "yaml";
import type { ZodError } from "zod";
import { type ImmichFamilySpec, immichFamilySpec } from "./schema/spec.js";

export interface SpecDiagnostic {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Dotted path of the field, e.g. `targets.kubernetes.database.instances`. */
  readonly path: string;
  readonly message: string;
  /** A stable code, e.g. `invalid_type`, `unknown-key`, `secret-literal`. */
  readonly code: string;
  readonly severity: "error" | "warning";
}

export type LoadResult =
  | { readonly ok: true; readonly value: ImmichFamilySpec; readonly warnings: readonly SpecDiagnostic[] }
  | { readonly ok: false; readonly errors: readonly SpecDiagnostic[]; readonly warnings: readonly SpecDiagnostic[] };

/** Parse and validate spec text. `file` only names the source in diagnostics. */
export function parseSpec(text: string, file = "immich-family.yaml"): LoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const pos = (offset: number) => lineCounter.linePos(offset);
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((e): SpecDiagnostic => {
      const { line, col } = pos(e.pos[0]);
      return { file, line, column: col, path: "", message: e.message.split("\n")[0] ?? e.message, code: e.code, severity: "error" };
    });
    return { ok: false, errors, warnings: [] };
  }
  const result = immichFamilySpec.safeParse(doc.toJS());
  if (result.success) return { ok: true, value: result.data, warnings: [] };
  return { ok: false, errors: zodDiagnostics(result.error, doc, pos, file), warnings: [] };
}

function zodDiagnostics(
  error: ZodError,
  doc: ReturnType<typeof parseDocument>,
  pos: (offset: number) => { line: number; col: number },
  file: string,
): SpecDiagnostic[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String);
    let node: unknown;
    for (let n = path.length; n >= 0 && node === undefined; n--) node = doc.getIn(path.slice(0, n), true);
    const range = (node as { range?: [number, number] } | undefined)?.range;
    const { line, col } = pos(range?.[0] ?? 0);
    const code = (issue.code === "custom" ? (issue.params as { code?: string } | undefined)?.code : undefined) ?? issue.code;
    return { file, line, column: col, path: path.join("."), message: issue.message, code, severity: "error" as const };
  });
}

/** Read and validate a spec file. */
export async function loadSpecFile(file: string): Promise<LoadResult> {
  return parseSpec(await readFile(file, "utf8"), file);
}

/** `file:line:col: path: message [code]` */
export function formatDiagnostic(d: SpecDiagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.path ? `${d.path}: ` : ""}${d.message} [${d.code}]`;
}
