/**
 * Docker Compose's `.env` syntax and `${VAR}` interpolation, as its documentation states them
 * ("Set, use, and manage variables", "Interpolation"). No npm library matches these rules: dotenv cuts an
 * unquoted value at any `#` and dotenv-expand interpolates single-quoted values.
 */

/** A variable's value and where it came from, for the notes import writes. */
export type Lookup = (name: string) => string | undefined;

/** A `${…}` Compose refuses (unterminated, a bad name) or a `${VAR:?message}` whose variable is unset. */
export class InterpolationError extends Error {
  override readonly name = "InterpolationError";
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * `text` with Compose's interpolation applied: `$$` is a `$`; `$VAR`, `${VAR}`; `${VAR:-default}` (unset or
 * empty), `${VAR-default}` (unset); `${VAR:?err}`, `${VAR?err}`; `${VAR:+other}`, `${VAR+other}`; the word
 * after an operator is itself interpolated (`${A:-${B}}`). An unset variable is empty, as in Compose.
 */
export function interpolate(text: string, lookup: Lookup): string {
  return expand(text, 0, lookup, false).value;
}

/** Expand from `start`; inside braces (`nested`), stop at the `}` that closes them. */
function expand(text: string, start: number, lookup: Lookup, nested: boolean): { value: string; end: number } {
  let out = "";
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (nested && c === "}") return { value: out, end: i };
    if (c !== "$") {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === "$") {
      out += "$";
      i += 2;
      continue;
    }
    if (next === "{") {
      const name = NAME.exec(text.slice(i + 2))?.[0];
      if (!name) throw new InterpolationError(`invalid interpolation in ${JSON.stringify(text)}: \`\${\` needs a variable name`);
      let j = i + 2 + name.length;
      const op = /^(:?[-?+])/.exec(text.slice(j))?.[1];
      const value = lookup(name);
      if (!op) {
        if (text[j] !== "}") throw new InterpolationError(`invalid interpolation in ${JSON.stringify(text)}: \`\${${name}\` is not closed`);
        out += value ?? "";
        i = j + 1;
        continue;
      }
      j += op.length;
      const word = expand(text, j, lookup, true);
      if (text[word.end] !== "}") throw new InterpolationError(`invalid interpolation in ${JSON.stringify(text)}: \`\${${name}\` is not closed`);
      const unset = op.startsWith(":") ? value === undefined || value === "" : value === undefined;
      const kind = op.slice(-1);
      if (kind === "-") out += unset ? word.value : (value ?? "");
      else if (kind === "+") out += unset ? "" : word.value;
      else if (unset) throw new InterpolationError(`${name} is required${word.value ? `: ${word.value}` : ""}`);
      else out += value ?? "";
      i = word.end + 1;
      continue;
    }
    const bare = NAME.exec(text.slice(i + 1))?.[0];
    if (bare) {
      out += lookup(bare) ?? "";
      i += 1 + bare.length;
      continue;
    }
    // A `$` before anything else stays a `$` (a trailing `$`, `$1`).
    out += "$";
    i++;
  }
  if (nested) throw new InterpolationError(`invalid interpolation in ${JSON.stringify(text)}: a \`\${\` is not closed`);
  return { value: out, end: i };
}

const DOUBLE_ESCAPES: Readonly<Record<string, string>> = { n: "\n", r: "\r", t: "\t", "\\": "\\", '"': '"' };

/** One `.env` problem: the line, and what is wrong. The line is skipped, as Compose would refuse the file. */
export interface EnvProblem {
  readonly line: number;
  readonly message: string;
}

export interface EnvFile {
  /** Every variable, interpolated, in a map: a name like `constructor` is an ordinary name. */
  readonly values: ReadonlyMap<string, string>;
  readonly problems: readonly EnvProblem[];
}

/**
 * A `.env` file read by Compose's rules: `#` lines and blank lines skipped; `export ` before a name
 * allowed; an unquoted value ends at ` #` (a `#` after a space) and is trimmed; `'…'` is literal (`\'` is
 * a quote), `"…"` takes `\n`, `\r`, `\t`, `\\`, `\"`; both may span lines, and only a `# comment` may
 * follow the closing quote. Unquoted and double-quoted values are interpolated against the variables
 * above them, then `outside` (the environment Compose would run in).
 */
export function parseEnvFile(text: string, outside: Lookup = () => undefined): EnvFile {
  const values = new Map<string, string>();
  const problems: EnvProblem[] = [];
  const lookup: Lookup = (name) => (values.has(name) ? values.get(name) : outside(name));
  const src = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  let i = 0;
  let line = 1;
  const skipLine = () => {
    const end = src.indexOf("\n", i);
    i = end === -1 ? src.length : end + 1;
    line++;
  };
  while (i < src.length) {
    const rest = src.slice(i, src.indexOf("\n", i) === -1 ? src.length : src.indexOf("\n", i));
    const trimmed = rest.trimStart();
    if (trimmed === "" || trimmed.startsWith("#")) {
      skipLine();
      continue;
    }
    const at = line;
    const head = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(=|$)/.exec(rest);
    if (!head?.[1]) {
      problems.push({ line: at, message: "not a NAME=value line" });
      skipLine();
      continue;
    }
    const name = head[1];
    if (head[2] !== "=") {
      // `NAME` alone takes the value from the environment.
      const v = outside(name);
      if (v !== undefined) values.set(name, v);
      skipLine();
      continue;
    }
    i += head[0].length;
    while (src[i] === " " || src[i] === "\t") i++;
    const quote = src[i];
    try {
      if (quote === "'" || quote === '"') {
        let value = "";
        let j = i + 1;
        for (; j < src.length && src[j] !== quote; j++) {
          const c = src[j] as string;
          if (c === "\n") line++;
          if (c === "\\" && j + 1 < src.length) {
            const e = src[j + 1] as string;
            if (quote === "'") value += e === "'" ? "'" : `\\${e}`;
            else value += DOUBLE_ESCAPES[e] ?? (e === "$" ? "$$" : `\\${e}`);
            j++;
          } else value += c;
        }
        if (j >= src.length) {
          line = at;
          throw new InterpolationError(`the ${quote === "'" ? "single" : "double"} quote is not closed`);
        }
        const tail = src.slice(j + 1, src.indexOf("\n", j) === -1 ? src.length : src.indexOf("\n", j));
        i = j + 1;
        if (!/^\s*(#.*)?$/.test(tail)) throw new InterpolationError(`text after the closing quote: ${JSON.stringify(tail.trim())}`);
        values.set(name, quote === "'" ? value : interpolate(value, lookup));
      } else {
        const end = src.indexOf("\n", i);
        const raw = src.slice(i, end === -1 ? src.length : end);
        i = end === -1 ? src.length : end;
        const value = raw.replace(/\s+#.*$/, "").trim();
        values.set(name, interpolate(value, lookup));
      }
    } catch (error) {
      problems.push({ line: at, message: `${name}: ${(error as Error).message}` });
    }
    skipLine();
  }
  return { values, problems };
}
