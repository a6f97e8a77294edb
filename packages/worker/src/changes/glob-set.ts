/**
 * Exclusion patterns with globset's default semantics, as Immich's scanner (@immich/walkrs) applies
 * them: case-insensitive, `*` and `**` also cross `/`, `?` one character, `[...]`/`[!...]` classes,
 * `{a,b}` alternatives, tested against the absolute path. Used only when walkrs cannot be loaded.
 */
export function compileGlobSet(patterns: readonly string[]): (absolutePath: string) => boolean {
  if (patterns.length === 0) return () => false;
  const re = new RegExp(patterns.map((p) => `(?:${globSource(p)})`).join("|"), "i");
  return (path) => re.test(path);
}

function globSource(glob: string): string {
  let out = "";
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "*") {
      while (glob[i + 1] === "*") i++;
      out += ".*";
    } else if (c === "?") {
      out += ".";
    } else if (c === "[") {
      const close = glob.indexOf("]", i + 2);
      if (close < 0) {
        out += "\\[";
        continue;
      }
      const body = glob.slice(i + 1, close).replace(/\\/g, "\\\\");
      out += body.startsWith("!") ? `[^${body.slice(1)}]` : `[${body}]`;
      i = close;
    } else if (c === "{") {
      braces++;
      out += "(?:";
    } else if (c === "}" && braces > 0) {
      braces--;
      out += ")";
    } else if (c === "," && braces > 0) {
      out += "|";
    } else if (c === "\\" && i + 1 < glob.length) {
      i++;
      out += (glob[i] as string).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    } else {
      out += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    }
  }
  return `^${out}$`;
}
