/**
 * Exclusion patterns as the current Immich scanner reads them (globset, via @immich/walkrs):
 * case-insensitive, `*` and `**` cross `/`, `?` one character, `[...]` classes, `{a,b}` alternation,
 * matched on the absolute path. Written independently of the worker's classifier on purpose.
 */
export function globToRegExp(glob: string): RegExp {
  let out = "";
  let depth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "*") {
      while (glob[i + 1] === "*") i++;
      out += ".*";
    } else if (c === "?") out += ".";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end < 0) out += "\\[";
      else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith("!")) body = `^${body.slice(1)}`;
        out += `[${body.replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else if (c === "{") {
      depth++;
      out += "(?:";
    } else if (c === "}" && depth > 0) {
      depth--;
      out += ")";
    } else if (c === "," && depth > 0) out += "|";
    else if (c === "\\" && i + 1 < glob.length) {
      i++;
      out += escapeChar(glob[i] as string);
    } else out += escapeChar(c);
  }
  return new RegExp(`^${out}$`, "i");
}

function escapeChar(c: string): string {
  return /[.+^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}
