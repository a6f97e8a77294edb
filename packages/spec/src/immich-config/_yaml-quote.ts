const SHORT: Record<string, string> = {
  "\0": "\\0",
  "\x07": "\\a",
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\v": "\\v",
  "\f": "\\f",
  "\r": "\\r",
  "\x1b": "\\e",
  '"': '\\"',
  "\\": "\\\\",
};

const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, "0");

/**
 * `value` as a one-line double-quoted YAML scalar that every YAML 1.1/1.2 parser (js-yaml included)
 * reads back exactly: control, C1, line/paragraph separators, BOM and non-characters are escaped,
 * other characters (unicode included) are kept.
 */
export function yamlDoubleQuoted(value: string): string {
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    const short = SHORT[ch];
    if (short) out += short;
    else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) out += `\\x${hex(cp, 2)}`;
    else if (cp === 0x2028 || cp === 0x2029 || cp === 0xfeff || cp === 0xfffe || cp === 0xffff || (cp >= 0xd800 && cp <= 0xdfff)) out += `\\u${hex(cp, 4)}`;
    else out += ch;
  }
  return `${out}"`;
}
