/**
 * Reading values of a parsed file whose shape nobody checked: each getter returns the value when it has
 * the expected type, and otherwise `undefined` after a note saying where, what was expected and what was
 * found. A missing value is no note. Only own properties are read (`constructor` is an ordinary key).
 */

/** Where a wrong value goes: a "not mapped" entry of the draft. */
export type Note = (what: string) => void;

/** A mapping as parsed YAML gives it (an object that is not a list). */
export type Mapping = Readonly<Record<string, unknown>>;

export const isMapping = (v: unknown): v is Mapping => typeof v === "object" && v !== null && !Array.isArray(v);

/** The YAML word for what `v` is, for "expected …, got …". */
export function yamlType(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "number") return `the number ${v}`;
  if (typeof v === "boolean") return `${v}`;
  return "text";
}

/** The value at `path` (own properties and list indexes only), or undefined. */
export function at(v: unknown, path: readonly (string | number)[]): unknown {
  let node = v;
  for (const k of path) {
    if (Array.isArray(node) && typeof k === "number") node = node[k];
    else if (isMapping(node) && typeof k === "string" && Object.hasOwn(node, k)) node = node[k];
    else return undefined;
  }
  return node;
}

/** A reader of one file's values, its notes prefixed with `where` (`compose: services.server`). */
export class Shape {
  constructor(
    private readonly note: Note,
    readonly where: string,
  ) {}

  /** The same reader one level down. */
  in(key: string | number): Shape {
    return new Shape(this.note, typeof key === "number" ? `${this.where}[${key}]` : `${this.where}.${key}`);
  }

  private wrong(path: readonly (string | number)[], expected: string, v: unknown): undefined {
    const dotted = path.map((k) => (typeof k === "number" ? `[${k}]` : `.${k}`)).join("");
    this.note(`${this.where}${dotted}: expected ${expected}, got ${yamlType(v)}; not mapped`);
    return undefined;
  }

  /** Text at `path`; with `scalars`, a number or true/false as its text too (Compose's `user: 1000`). */
  text(v: unknown, path: readonly (string | number)[] = [], scalars = false): string | undefined {
    const x = at(v, path);
    if (x === undefined || x === null) return undefined;
    if (typeof x === "string") return x;
    if (scalars && (typeof x === "number" || typeof x === "boolean")) return String(x);
    return this.wrong(path, "text", x);
  }

  number(v: unknown, path: readonly (string | number)[] = []): number | undefined {
    const x = at(v, path);
    if (x === undefined || x === null) return undefined;
    return typeof x === "number" && Number.isFinite(x) ? x : this.wrong(path, "a number", x);
  }

  boolean(v: unknown, path: readonly (string | number)[] = []): boolean | undefined {
    const x = at(v, path);
    if (x === undefined || x === null) return undefined;
    return typeof x === "boolean" ? x : this.wrong(path, "true or false", x);
  }

  mapping(v: unknown, path: readonly (string | number)[] = []): Mapping | undefined {
    const x = at(v, path);
    if (x === undefined || x === null) return undefined;
    return isMapping(x) ? x : this.wrong(path, "a mapping", x);
  }

  list(v: unknown, path: readonly (string | number)[] = []): readonly unknown[] | undefined {
    const x = at(v, path);
    if (x === undefined || x === null) return undefined;
    return Array.isArray(x) ? x : this.wrong(path, "a list", x);
  }

  /** A mapping of text (numbers and true/false as text), as a Map; a value of another type is noted and left out. */
  textMap(v: unknown, path: readonly (string | number)[] = []): Map<string, string> {
    const out = new Map<string, string>();
    const inner = path.reduce<Shape>((s, k) => s.in(k), this);
    for (const [k, x] of Object.entries(this.mapping(v, path) ?? {})) {
      const t = inner.in(k).text(x, [], true);
      if (t !== undefined) out.set(k, t);
    }
    return out;
  }
}
