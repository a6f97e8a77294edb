import type { SpecDiagnostic } from "./loader-diagnostic.js";
import { escapeControl } from "./escape.js";

/**
 * `file:line:col: path: message [code]` (warnings say so after the position). Control characters
 * are escaped, so nothing from the spec reaches the terminal raw.
 */
export function formatDiagnostic(d: SpecDiagnostic): string {
  return escapeControl(`${d.file}:${d.line}:${d.column}: ${d.severity === "warning" ? "warning: " : ""}${d.path ? `${d.path}: ` : ""}${d.message} [${d.code}]`);
}

/** Words that mark a key as holding a secret, whose value is never echoed. */
export const SECRET_WORD = /secret|password|passphrase|apikey|token/i;

// A `key: value` line whose key names a secret; its value is masked unless it is a `${KEY}` reference.
const SECRET_LINE = new RegExp(`^(\\s*(?:-\\s+)?["']?[A-Za-z_]*(?:${SECRET_WORD.source})[A-Za-z_]*["']?\\s*:\\s+)(.+?)(\\s+#.*)?$`, "i");

/** Frame lines longer than this are cut to a window around the node. */
const FRAME_WIDTH = 160;
const clip = (line: string) => (line.length > FRAME_WIDTH ? `${line.slice(0, FRAME_WIDTH)}…` : line);

function maskLine(line: string): string {
  const m = SECRET_LINE.exec(line);
  if (!m?.[2] || /^["']?\$\{[A-Z0-9_]+\}["']?$/.test(m[2])) return line;
  return `${m[1]}${"*".repeat(m[2].length)}${m[3] ?? ""}`;
}

/**
 * The one-line diagnostic followed by a code frame: the line before, the offending line, and a caret
 * under the offending node. Values of secret-looking keys are masked, never printed; control
 * characters are escaped.
 */
export function formatDiagnosticWithFrame(d: SpecDiagnostic, source: string): string {
  const lines = source.split(/\r?\n/);
  const head = formatDiagnostic(d);
  const line = lines[d.line - 1];
  if (line === undefined) return head;
  const width = String(d.line).length;
  const gutter = (n?: number) => `${n === undefined ? " ".repeat(width) : String(n).padStart(width)} | `;
  let shown = maskLine(line);
  // A misspelt secret key (`clientSecrt: …`) holds a secret too.
  const suggested = d.code === "unknown-key" ? /did you mean "([^"]+)"/.exec(d.message)?.[1] : undefined;
  if (suggested !== undefined && SECRET_WORD.test(suggested))
    shown = shown.replace(
      /^(\s*(?:-\s+)?[^:#]+:\s+)(.+?)(\s+#.*)?$/,
      (_, key: string, value: string, comment = "") => `${key}${"*".repeat(value.length)}${comment}`,
    );
  const caretLength = Math.max(1, d.endLine === d.line && d.endColumn !== undefined ? d.endColumn - d.column : 1);
  if (d.code.startsWith("secret-")) {
    shown = `${shown.slice(0, d.column - 1)}${"*".repeat(caretLength)}${shown.slice(d.column - 1 + caretLength)}`;
  }
  // A long line shows a window around the node: a 64 KiB value is not printed whole.
  let start = 0;
  let caret = caretLength;
  if (shown.length > FRAME_WIDTH) {
    start = Math.max(0, d.column - 1 - 40);
    caret = Math.min(caretLength, FRAME_WIDTH - (d.column - 1 - start));
    const end = start + FRAME_WIDTH;
    shown = `${start > 0 ? "…" : ""}${shown.slice(start, end)}${end < shown.length ? "…" : ""}`;
    if (start > 0) start -= 1;
  }
  const frame: string[] = [head];
  const before = lines[d.line - 2];
  if (before !== undefined && before.trim() !== "") frame.push(`  ${gutter(d.line - 1)}${escapeControl(clip(maskLine(before)))}`);
  frame.push(`> ${gutter(d.line)}${escapeControl(shown)}`);
  // Escapes widen the line: the caret moves with them.
  const from = d.column - 1 - start;
  const column = escapeControl(shown.slice(0, from)).length + 1;
  const underlined = escapeControl(shown.slice(from, from + caret)).length;
  frame.push(`  ${gutter()}${" ".repeat(column - 1)}${"^".repeat(Math.max(1, underlined))}`);
  return frame.join("\n");
}
