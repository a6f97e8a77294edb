import type { z } from "zod";
import type { SpecPath } from "./loader-diagnostic.js";
import { SECRET_WORD } from "./loader-format.js";
import type { Anchor } from "./loader-locate.js";
import { acceptedTypesAt, expectsInteger, knownKeysAt } from "./loader-schema-keys.js";
import { didYouMean } from "./loader-suggest.js";

/** A diagnostic before it has a position: the loader locates `path` in the YAML document. */
export interface PendingDiagnostic {
  readonly path: SpecPath;
  readonly message: string;
  readonly code: string;
  readonly severity?: "error" | "warning";
  /** Point at the key rather than the value. @default "value" */
  readonly anchor?: Anchor;
  /** Narrow the position to this text inside the node (e.g. one token of a template). */
  readonly find?: string;
  /** Which occurrence of `find` (0-based). @default 0 */
  readonly findOccurrence?: number;
  /** An explicit source range, instead of locating `path`. */
  readonly range?: readonly [number, number, ...number[]] | undefined;
}

type Issue = z.core.$ZodIssue;

/** Whether a value at this path may be a secret, so it is never echoed. */
export const isSensitivePath = (path: SpecPath) => path.some((s) => typeof s === "string" && SECRET_WORD.test(s));

function valueAt(data: unknown, path: SpecPath): unknown {
  let v = data;
  for (const s of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[s as string];
  }
  return v;
}

/** A value in YAML words: `a mapping`, `a list`, `string "x"`, `number 3`. */
export function describeValue(value: unknown, echo = true): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") {
    if (!echo) return "a string";
    return `"${value.length > 60 ? `${value.slice(0, 57)}...` : value}"`;
  }
  if (typeof value === "number" || typeof value === "boolean") return echo ? `${typeof value} ${value}` : `a ${typeof value}`;
  return typeof value;
}

const TYPE_WORDS: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "a boolean (true or false)",
  object: "a mapping",
  record: "a mapping",
  map: "a mapping",
  array: "a list",
  tuple: "a list",
  null: "null",
};
const typeWord = (t: string) => TYPE_WORDS[t] ?? t;
const quote = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

const missingKey = (path: SpecPath): PendingDiagnostic => ({ path, message: `missing required key ${String(path.at(-1))}`, code: "missing-key" });

/** Translate zod issues into located-by-path diagnostics with YAML words and suggestions. */
export function issuesToDiagnostics(issues: readonly Issue[], data: unknown, schema: z.ZodType, base: SpecPath = []): PendingDiagnostic[] {
  return issues.flatMap((issue) => translate(issue, data, schema, base));
}

function translate(issue: Issue, data: unknown, schema: z.ZodType, base: SpecPath): PendingDiagnostic[] {
  const path: SpecPath = [...base, ...(issue.path as (string | number)[])];
  const value = valueAt(data, path);
  const echo = !isSensitivePath(path);
  const got = () => `, got ${describeValue(value, echo)}`;
  switch (issue.code) {
    case "invalid_type": {
      if (value === undefined) return [missingKey(path)];
      const expected = issue.expected === "number" && expectsInteger(schema, path) ? "int" : issue.expected;
      return [{ path, message: `expected ${typeWord(expected)}${got()}`, code: "invalid-type" }];
    }
    case "unrecognized_keys": {
      const known = knownKeysAt(schema, path);
      return issue.keys.map((key) => {
        const hint = didYouMean(key, known);
        const list = hint === "" && known.length > 0 && known.length <= 12 ? `; expected one of: ${known.join(", ")}` : "";
        return { path: [...path, key], anchor: "key" as const, message: `unknown key "${key}"${hint}${list}`, code: "unknown-key" };
      });
    }
    case "invalid_value": {
      // A missing `kind` is a missing key, not a wrong value.
      if (value === undefined) return [missingKey(path)];
      const values = issue.values.map(quote);
      if (values.length === 1) return [{ path, message: `expected "${values[0]}"${got()}`, code: "invalid-value" }];
      const hint = typeof value === "string" ? didYouMean(value, values) : "";
      return [{ path, message: `expected one of ${values.join(", ")}${got()}${hint}`, code: "invalid-value" }];
    }
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
      const op = issue.code === "too_small" ? (issue.inclusive ? ">=" : ">") : issue.inclusive ? "<=" : "<";
      let message: string;
      if (issue.origin === "string") {
        message = issue.code === "too_small" && Number(bound) === 1 ? "expected a non-empty string" : `expected a string of ${op} ${bound} characters`;
      } else if (issue.origin === "array" || issue.origin === "set") {
        message = issue.code === "too_small" && Number(bound) === 1 ? "expected a non-empty list" : `expected a list of ${op} ${bound} items`;
      } else if (issue.code === "too_small" && Number(bound) === 0 && !issue.inclusive) {
        message = "expected a positive number";
      } else {
        message = `expected a number ${op} ${bound}`;
      }
      return [
        {
          path,
          message: `${message}${issue.origin === "string" && Number(bound) === 1 ? "" : got()}`,
          code: issue.code === "too_small" ? "too-small" : "too-big",
        },
      ];
    }
    case "invalid_format": {
      let message = issue.message;
      if (/^Invalid /.test(message)) {
        if (issue.format === "email") message = "expected an email address";
        else if (issue.format === "url") message = "expected an http(s) URL such as https://login.example.com";
        else if (issue.format === "regex") message = `expected a string matching ${issue.pattern ?? "the pattern"}`;
        else message = `expected a valid ${issue.format}`;
      }
      return [{ path, message: `${message}${got()}`, code: "invalid-format" }];
    }
    case "custom": {
      const code = (issue.params as { code?: string } | undefined)?.code ?? "invalid-value";
      const secret = code.startsWith("secret-");
      const appendGot =
        !secret && echo && /^expected /.test(issue.message) && !/\bgot\b/.test(issue.message) && value !== undefined && typeof value !== "object";
      return [{ path, message: `${issue.message}${appendGot ? got() : ""}`, code }];
    }
    case "invalid_key": {
      const inner = issue.issues[0];
      const innerText = inner ? translate(inner, String(path.at(-1)), schema, [])[0]?.message : undefined;
      const what = innerText?.replace(/, got .*$/, "") ?? "an invalid key";
      return [{ path, anchor: "key", message: `invalid key "${String(path.at(-1))}": ${what}`, code: "invalid-key" }];
    }
    case "invalid_union":
      return collapseUnion(issue.errors, path, value, data, schema, echo);
    default:
      return [{ path, message: issue.message, code: issue.code.replace(/_/g, "-") }];
  }
}

const depth = (i: Issue) => i.path.length;

/** A union mismatch collapses to the branch that got furthest, or to one "expected X or Y" message. */
function collapseUnion(
  branches: readonly (readonly Issue[])[],
  path: SpecPath,
  value: unknown,
  data: unknown,
  schema: z.ZodType,
  echo: boolean,
): PendingDiagnostic[] {
  const rootTypeMismatch = (b: readonly Issue[]) => b.some((i) => i.code === "invalid_type" && i.path.length === 0);
  const candidates = branches.filter((b) => !rootTypeMismatch(b) && b.length > 0);
  if (candidates.length === 0) {
    const fromSchema = acceptedTypesAt(schema, path);
    const kinds =
      fromSchema.length > 0 ? fromSchema : branches.flatMap((b) => b.filter((i) => i.code === "invalid_type").map((i) => (i as { expected: string }).expected));
    const expected = [...new Set(kinds.map(typeWord))];
    return [{ path, message: `expected ${expected.join(" or ")}, got ${describeValue(value, echo)}`, code: "invalid-type" }];
  }
  // Mapping branches that differ only by which key they require: name the alternatives.
  const shallow = (i: Issue) =>
    depth(i) <= 1 && ((i.code === "invalid_type" && i.path.length === 1) || (i.code === "unrecognized_keys" && i.path.length === 0));
  if (candidates.length > 1 && candidates.every((b) => b.every(shallow))) {
    const alternatives = [...new Set(candidates.flatMap((b) => b.filter((i) => i.code === "invalid_type").map((i) => String(i.path[0]))))];
    const unknownIn = candidates.map((b) => new Set(b.flatMap((i) => (i.code === "unrecognized_keys" ? i.keys : []))));
    const unknownEverywhere = [...(unknownIn[0] ?? [])].filter((k) => unknownIn.every((s) => s.has(k)));
    const out: PendingDiagnostic[] = unknownEverywhere.map((key) => ({
      path: [...path, key],
      anchor: "key",
      message: `unknown key "${key}"${didYouMean(key, alternatives)}; expected one of: ${alternatives.join(", ")}`,
      code: "unknown-key",
    }));
    if (out.length === 0) out.push({ path, message: `expected a mapping with exactly one of the keys: ${alternatives.join(", ")}`, code: "invalid-union" });
    return out;
  }
  const score = (b: readonly Issue[]) => Math.max(...b.map(depth));
  const best = [...candidates].sort((a, b) => score(b) - score(a) || a.length - b.length)[0] ?? [];
  return best.flatMap((i) => translate(i, data, schema, path));
}
