import { isMap, isScalar, isSeq, type LineCounter, type Node, type Pair, type ParsedNode } from "yaml";
import type { SpecPath } from "./loader-diagnostic.js";

export interface Span {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** Where a diagnostic points: the value at the path (default), or the key that names it. */
export type Anchor = "value" | "key";

type Range = readonly [number, number, ...number[]];
const rangeOf = (n: unknown): Range | undefined => (n as { range?: Range | null } | null | undefined)?.range ?? undefined;

function pairFor(map: { items: Pair[] }, key: string): Pair | undefined {
  let found: Pair | undefined;
  for (const pair of map.items) if (isScalar(pair.key) && String(pair.key.value) === key) found = pair;
  return found;
}

/**
 * The source range of the node at `path`. When the path does not exist (a missing key), the deepest
 * existing ancestor is used, by its key: a missing key points at its parent mapping.
 */
export function locate(root: ParsedNode | null, path: SpecPath, anchor: Anchor = "value"): { range: Range | undefined; found: boolean } {
  let node: unknown = root;
  let keyNode: Node | undefined;
  let found = true;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = pairFor(node, String(segment));
      if (!pair) {
        found = false;
        break;
      }
      keyNode = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number" && node.items[segment] !== undefined) {
      node = node.items[segment];
      keyNode = node as Node;
    } else {
      found = false;
      break;
    }
  }
  const keyRange = rangeOf(keyNode);
  const valueRange = rangeOf(node);
  if (!found || anchor === "key") return { range: keyRange ?? rangeOf(root), found };
  // An empty value (`key:`) has a zero-width range; point at the key instead.
  return { range: valueRange && valueRange[1] > valueRange[0] ? valueRange : (keyRange ?? valueRange), found };
}

/** The 1-based span of a source range; the end is clipped to the first line. */
export function spanOf(range: Range | undefined, lineCounter: LineCounter, text: string): Span {
  const start = range?.[0] ?? 0;
  let end = range?.[1] ?? start;
  const newline = text.indexOf("\n", start);
  if (newline !== -1 && end > newline) end = newline;
  while (end > start && /\s/.test(text[end - 1] ?? "")) end--;
  const s = lineCounter.linePos(start);
  const e = lineCounter.linePos(Math.max(end, start + 1));
  return { line: s.line, column: s.col, endLine: e.line, endColumn: e.col };
}

/** Narrow a span to the first occurrence of `needle` inside it (e.g. one token of a template). */
export function narrowTo(span: Span, text: string, lineCounter: LineCounter, needle: string, occurrence = 0): Span {
  const lineStart = lineCounter.lineStarts[span.line - 1] ?? 0;
  const from = lineStart + span.column - 1;
  const to = lineStart + span.endColumn - 1;
  const slice = text.slice(from, to);
  let at = slice.indexOf(needle);
  for (let n = 0; n < occurrence && at !== -1; n++) at = slice.indexOf(needle, at + needle.length);
  if (at === -1) return span;
  return { line: span.line, column: span.column + at, endLine: span.line, endColumn: span.column + at + needle.length };
}
