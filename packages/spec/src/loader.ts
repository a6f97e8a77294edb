import { readFile, stat } from "node:fs/promises";
import { errorMessage } from "./error-message.js";
import { LineCounter, type ParsedNode, parseDocument } from "yaml";
import type { z } from "zod";
import { dottedPath, type SpecDiagnostic } from "./loader-diagnostic.js";
import { issuesToDiagnostics, type PendingDiagnostic } from "./loader-issues.js";
import { locate, narrowTo, spanOf } from "./loader-locate.js";
import { escapeControl } from "./escape.js";
import { depthProblem, scanDocument, sizeProblem } from "./loader-scan.js";
import { runRule, type SpecSection } from "./rules/_rule.js";
import { specRules } from "./rules/spec-rules.js";
import { type ImmichFamilySpec, immichFamilySpec } from "./schema/spec.js";
import { targets as targetsSchema } from "./schema/targets.js";

export type { SpecDiagnostic } from "./loader-diagnostic.js";
export { formatDiagnostic, formatDiagnosticWithFrame } from "./loader-format.js";
export { escapeControl } from "./escape.js";
export { SPEC_LIMITS, sizeProblem } from "./loader-scan.js";

/** The parsed spec and its warnings, or every error found (with the warnings). */
export type LoadResult =
  | { readonly ok: true; readonly value: ImmichFamilySpec; readonly warnings: readonly SpecDiagnostic[] }
  | { readonly ok: false; readonly errors: readonly SpecDiagnostic[]; readonly warnings: readonly SpecDiagnostic[] };

const targetsShape = targetsSchema.shape as Record<string, z.ZodType>;

/**
 * Parse and validate spec text: YAML syntax, duplicate keys, the schema, then the cross-field rules.
 * Every problem is reported at once: the rules also run on the sections that passed the schema when
 * others did not. Input over the limits (`SPEC_LIMITS`) is refused before it is parsed. `file` only
 * names the source in diagnostics.
 */
export function parseSpec(text: string, file = "immich-family.yaml"): LoadResult {
  const fail = (errors: SpecDiagnostic[]): LoadResult => ({ ok: false, errors, warnings: [] });
  const atStart = (message: string, code: string): SpecDiagnostic => ({ file, line: 1, column: 1, path: "", message, code, severity: "error" });
  const tooLarge = sizeProblem(Buffer.byteLength(text, "utf8"));
  if (tooLarge) return fail([atStart(tooLarge, "too-large")]);
  const deep = depthProblem(text);
  if (deep) {
    const before = text.slice(0, deep.offset);
    const line = before.split("\n").length;
    const column = deep.offset - before.lastIndexOf("\n");
    return fail([{ ...atStart(deep.message, "too-deep"), line, column }]);
  }
  const lineCounter = new LineCounter();

  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const root = doc.contents as ParsedNode | null;
  const at = (d: PendingDiagnostic): SpecDiagnostic => {
    let span = spanOf(d.range ?? locate(root, d.path, d.anchor).range, lineCounter, text);
    if (d.find !== undefined) span = narrowTo(span, text, lineCounter, d.find, d.findOccurrence);
    return { file, ...span, path: escapeControl(dottedPath(d.path)), message: escapeControl(d.message), code: d.code, severity: d.severity ?? "error" };
  };
  const split = (all: readonly SpecDiagnostic[]) => ({
    errors: all.filter((d) => d.severity === "error"),
    warnings: all.filter((d) => d.severity === "warning"),
  });

  if (doc.errors.length > 0) {
    // One error per line: later errors on a line are mostly the parser recovering from the first.
    const firstPerLine = doc.errors.filter(
      (e, i, all) => all.findIndex((o) => lineCounter.linePos(o.pos[0]).line === lineCounter.linePos(e.pos[0]).line) === i,
    );
    const errors = firstPerLine.map((e): SpecDiagnostic => {
      const span = spanOf(e.pos, lineCounter, text);
      const message = escapeControl(`YAML syntax: ${e.message.split("\n")[0]}`);
      return { file, ...span, path: "", message, code: `yaml-${e.code.toLowerCase().replace(/_/g, "-")}`, severity: "error" };
    });
    return fail(errors);
  }

  const scan = scanDocument(root, lineCounter);
  const structural = scan.problems.map(at);
  if (scan.oversized) return fail(structural.filter((d) => d.code === "too-large"));
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    const message = errorMessage(error);
    return fail([...structural, at({ path: [], message: `YAML: ${message}`, code: "yaml-alias" })]);
  }
  if (data === null || data === undefined) {
    structural.push(
      at({ path: [], message: "the spec is empty: expected a mapping with apiVersion, kind, metadata, immich, hosts, members and targets", code: "empty" }),
    );
    return fail(structural);
  }

  // A spec is parsed once per process: compiling zod's fast path would cost more than it saves.
  const result = immichFamilySpec.safeParse(data, { jitless: true });
  if (!result.success) {
    const { spec, parsed } = parsedSections(data);
    const schemaErrors = issuesToDiagnostics(result.error.issues, data, immichFamilySpec);
    const { errors, warnings } = split([...structural, ...schemaErrors.map(at), ...runRules(spec, parsed).map(at)]);
    return { ok: false, errors, warnings };
  }
  const { errors, warnings } = split([...structural, ...runRules(result.data).map(at)]);
  return errors.length > 0 ? { ok: false, errors, warnings } : { ok: true, value: result.data, warnings };
}

/** The diagnostics of every rule whose sections all parsed (every rule, for a schema-valid spec). */
function runRules(spec: ImmichFamilySpec, parsed?: ReadonlySet<SpecSection>): PendingDiagnostic[] {
  return specRules.filter((rule) => parsed === undefined || rule.needs.every((s) => parsed.has(s))).flatMap((rule) => runRule(rule, spec));
}

const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The top-level sections of a spec that failed the schema, each parsed on its own: the ones that
 * pass, and which they are. When `targets` fails, the targets that pass on their own stand in for it.
 */
function parsedSections(data: unknown): { spec: ImmichFamilySpec; parsed: Set<SpecSection> } {
  const spec: Record<string, unknown> = {};
  const parsed = new Set<SpecSection>();
  if (!isMapping(data)) return { spec: spec as ImmichFamilySpec, parsed };
  for (const [key, schema] of Object.entries(immichFamilySpec.shape) as [SpecSection, z.ZodType][]) {
    const section = schema.safeParse(data[key], { jitless: true });
    if (section.success) {
      spec[key] = section.data;
      parsed.add(key);
    }
  }
  if (!parsed.has("targets") && isMapping(data.targets)) {
    const some: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(targetsShape)) {
      const target = data.targets[key] === undefined ? undefined : schema.safeParse(data.targets[key], { jitless: true });
      if (target?.success) some[key] = target.data;
    }
    if (Object.keys(some).length > 0) {
      spec.targets = some;
      parsed.add("targets");
    }
  }
  return { spec: spec as ImmichFamilySpec, parsed };
}

/** Read and validate a spec file; a file over the size limit is refused before it is read. */
export async function loadSpecFile(file: string): Promise<LoadResult> {
  const tooLarge = sizeProblem((await stat(file)).size);
  if (tooLarge) return { ok: false, errors: [{ file, line: 1, column: 1, path: "", message: tooLarge, code: "too-large", severity: "error" }], warnings: [] };
  return parseSpec(await readFile(file, "utf8"), file);
}
