import { isMap, isScalar, isSeq, type LineCounter, type ParsedNode } from "yaml";
import type { SpecPath } from "./loader-diagnostic.js";
import { escapeControl } from "./escape.js";
import type { PendingDiagnostic } from "./loader-issues.js";

/** What a spec may weigh: checked before and right after parsing, so hostile input stays cheap. */
export const SPEC_LIMITS = {
  /** The whole spec, in bytes of UTF-8. */
  bytes: 1024 * 1024,
  /** One scalar (a value or a key), in bytes of UTF-8. */
  scalarBytes: 64 * 1024,
  /** Nesting of mappings and lists (block indentation levels, or open flow brackets). */
  depth: 64,
} as const;

const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`);

/**
 * A spec over the size limit, or undefined. Runs on the text (or the file's size) before any parsing;
 * `partial` when only the first `bytes` of a stream were read, which is all that is known of its size.
 */
export function sizeProblem(bytes: number, partial = false): string | undefined {
  if (bytes <= SPEC_LIMITS.bytes) return undefined;
  return `the spec is ${partial ? "over 1 MiB" : size(bytes)}; a spec may be at most 1 MiB (it holds settings, not data)`;
}

/**
 * The offset of the first place where the text nests deeper than the limit, or undefined. A cheap
 * line scan (indentation levels and `- ` markers, plus open flow brackets) that runs before the YAML
 * parser, whose recursion a deeply nested document would exhaust.
 */
export function depthProblem(text: string): { offset: number; message: string } | undefined {
  const indents: number[] = [];
  let flow = 0;
  let offset = 0;
  for (const line of text.split("\n")) {
    const start = offset;
    offset += line.length + 1;
    const indent = /^ */.exec(line)?.[0].length ?? 0;
    const rest = line.slice(indent);
    if (rest === "" || rest.startsWith("#")) continue;
    while (indents.length > 0 && (indents.at(-1) ?? 0) > indent) indents.pop();
    if (indents.length === 0 || (indents.at(-1) ?? 0) < indent) indents.push(indent);
    const dashes = /^(?:-[ \t]+)*/.exec(rest)?.[0].split("-").length ?? 1;
    const block = indents.length + dashes - 1;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (c === "[" || c === "{") flow++;
      else if ((c === "]" || c === "}") && flow > 0) flow--;
      if (block + flow > SPEC_LIMITS.depth)
        return { offset: start + i, message: `the spec nests mappings and lists more than ${SPEC_LIMITS.depth} levels deep` };
    }
  }
  return undefined;
}

// C0 controls but tab and newline, DEL and C1 controls: never meant in a spec value.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_IN_VALUE = /[\0-\x08\x0b-\x1f\x7f-\x9f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_IN_KEY = /[\0-\x1f\x7f-\x9f]/;

const utf8Bytes = (s: string) => (s.length * 3 <= SPEC_LIMITS.scalarBytes ? s.length : Buffer.byteLength(s, "utf8"));

/** What the document walk found: located problems, and whether one is an oversized scalar (stop there). */
export interface DocumentScan {
  readonly problems: PendingDiagnostic[];
  readonly oversized: boolean;
}

/**
 * One walk over the parsed document: duplicate keys (every second occurrence), control characters in
 * keys and values, and scalars over the size limit.
 */
export function scanDocument(root: ParsedNode | null, lineCounter: LineCounter): DocumentScan {
  const problems: PendingDiagnostic[] = [];
  let oversized = false;
  const scalar = (node: unknown, path: SpecPath, isKey: boolean): void => {
    if (!isScalar(node) || typeof node.value !== "string") return;
    const value = node.value;
    const range = node.range ?? undefined;
    const bytes = utf8Bytes(value);
    if (bytes > SPEC_LIMITS.scalarBytes) {
      oversized = true;
      problems.push({ path, range, message: `this ${isKey ? "key" : "value"} is ${size(bytes)}; a single value may be at most 64 KiB`, code: "too-large" });
      return;
    }
    const control = (isKey ? CONTROL_IN_KEY : CONTROL_IN_VALUE).exec(value);
    if (control) {
      const allowed = isKey ? "" : " (only tab and newline are allowed in values)";
      problems.push({
        path,
        range,
        message: `control character ${escapeControl(control[0])} in a ${isKey ? "key" : "value"}; remove it${allowed}`,
        code: "control-character",
      });
    }
  };
  const walk = (node: unknown, path: SpecPath): void => {
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        scalar(pair.key, [...path, key], true);
        if (key === "__proto__") {
          const message = 'the key "__proto__" is reserved (JavaScript would take it for the object\'s prototype, not a key); rename it';
          problems.push({ path: [...path, key], range: pair.key.range ?? undefined, message, code: "reserved-key" });
        }
        const first = seen.get(key);
        if (first !== undefined) {
          const message = `duplicate key "${key}" (first defined on line ${first}); each key may appear once in a mapping`;
          problems.push({ path: [...path, key], range: pair.key.range ?? undefined, message, code: "duplicate-key" });
        } else {
          seen.set(key, lineCounter.linePos(pair.key.range?.[0] ?? 0).line);
        }
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) walk(item, [...path, i]);
    } else {
      scalar(node, path, false);
    }
  };
  walk(root, []);
  return { problems, oversized };
}
