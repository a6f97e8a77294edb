// Zod-free, so the CLI's smallest commands and the facts entry can escape what they echo without loading the schema.

// Also escaped in messages: tab, newline, line/paragraph separators and the bidirectional overrides.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE_IN_MESSAGE = /[\0-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every control or direction-changing character written as an escape (`\x1B`, `\n`, `\u202E`), never raw. */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE_IN_MESSAGE, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\t") return "\\t";
    if (c === "\r") return "\\r";
    const cp = c.codePointAt(0) ?? 0;
    return cp <= 0xff ? `\\x${cp.toString(16).toUpperCase().padStart(2, "0")}` : `\\u${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  });
}
