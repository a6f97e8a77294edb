import { readFile } from "node:fs/promises";
import { isMap, isScalar, isSeq, LineCounter, type ParsedNode, parseDocument } from "yaml";
import { dottedPath, type SpecDiagnostic, type SpecPath } from "./loader-diagnostic.js";
import { issuesToDiagnostics, type PendingDiagnostic } from "./loader-issues.js";
import { locate, narrowTo, spanOf } from "./loader-locate.js";
import { specRules } from "./rules/index.js";
import { type ImmichFamilySpec, immichFamilySpec } from "./schema/spec.js";

export type { SpecDiagnostic } from "./loader-diagnostic.js";
export { formatDiagnostic, formatDiagnosticWithFrame } from "./loader-format.js";

export type LoadResult =
  | { readonly ok: true; readonly value: ImmichFamilySpec; readonly warnings: readonly SpecDiagnostic[] }
  | { readonly ok: false; readonly errors: readonly SpecDiagnostic[]; readonly warnings: readonly SpecDiagnostic[] };

/**
 * Parse and validate spec text: YAML syntax, duplicate keys, the schema, then the cross-field rules.
 * Every problem found at a stage is reported at once. `file` only names the source in diagnostics.
 */
export function parseSpec(text: string, file = "immich-family.yaml"): LoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const root = doc.contents as ParsedNode | null;
  const at = (d: PendingDiagnostic): SpecDiagnostic => {
    let span = spanOf(d.range ?? locate(root, d.path, d.anchor).range, lineCounter, text);
    if (d.find !== undefined) span = narrowTo(span, text, lineCounter, d.find, d.findOccurrence);
    return { file, ...span, path: dottedPath(d.path), message: d.message, code: d.code, severity: d.severity ?? "error" };
  };
  const split = (all: readonly SpecDiagnostic[]) => ({
    errors: all.filter((d) => d.severity === "error"),
    warnings: all.filter((d) => d.severity === "warning"),
  });

  if (doc.errors.length > 0) {
    // One error per line: later errors on a line are mostly the parser recovering from the first.
    const firstPerLine = doc.errors.filter((e, i, all) => all.findIndex((o) => lineCounter.linePos(o.pos[0]).line === lineCounter.linePos(e.pos[0]).line) === i);
    const errors = firstPerLine.map((e): SpecDiagnostic => {
      const span = spanOf(e.pos, lineCounter, text);
      return { file, ...span, path: "", message: `YAML syntax: ${e.message.split("\n")[0]}`, code: `yaml-${e.code.toLowerCase().replace(/_/g, "-")}`, severity: "error" };
    });
    return { ok: false, errors, warnings: [] };
  }

  const structural = duplicateKeys(root, lineCounter).map(at);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, errors: [...structural, at({ path: [], message: `YAML: ${message}`, code: "yaml-alias" })], warnings: [] };
  }
  if (data === null || data === undefined) {
    structural.push(at({ path: [], message: "the spec is empty: expected a mapping with apiVersion, kind, metadata, immich, hosts, members and targets", code: "empty" }));
    return { ok: false, errors: structural, warnings: [] };
  }

  // A spec is parsed once per process: compiling zod's fast path would cost more than it saves.
  const result = immichFamilySpec.safeParse(data, { jitless: true });
  if (!result.success) {
    const { errors, warnings } = split([...structural, ...issuesToDiagnostics(result.error.issues, data, immichFamilySpec).map(at)]);
    return { ok: false, errors, warnings };
  }
  const { errors, warnings } = split([...structural, ...specRules.flatMap((rule) => rule.check(result.data)).map(at)]);
  return errors.length > 0 ? { ok: false, errors, warnings } : { ok: true, value: result.data, warnings };
}

/** Every second (third…) occurrence of a key in a mapping, anywhere in the document. */
function duplicateKeys(root: ParsedNode | null, lineCounter: LineCounter): PendingDiagnostic[] {
  const out: PendingDiagnostic[] = [];
  const walk = (node: unknown, path: SpecPath) => {
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        const first = seen.get(key);
        if (first !== undefined) {
          const message = `duplicate key "${key}" (first defined on line ${first}); each key may appear once in a mapping`;
          out.push({ path: [...path, key], range: pair.key.range ?? undefined, message, code: "duplicate-key" });
        } else {
          seen.set(key, lineCounter.linePos(pair.key.range?.[0] ?? 0).line);
        }
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) walk(item, [...path, i]);
    }
  };
  walk(root, []);
  return out;
}

/** Read and validate a spec file. */
export async function loadSpecFile(file: string): Promise<LoadResult> {
  return parseSpec(await readFile(file, "utf8"), file);
}
