import { escapeControl, HANDLE_PATTERN } from "@family/immich-spec";
import { Document, isMap, isScalar } from "yaml";

export type DraftPath = readonly (string | number)[];
// biome-ignore lint/suspicious/noExplicitAny: the draft is a spec being built, any field at any depth
export type DraftObject = Record<string, any>;

const TOP_LEVEL = [
  "apiVersion",
  "kind",
  "metadata",
  "immich",
  "hosts",
  "auth",
  "storageTemplate",
  "members",
  "libraries",
  "machineLearning",
  "database",
  "redis",
  "worker",
  "targets",
];

const isObject = (v: unknown): v is DraftObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** `node[key]` when `key` is the node's own: a key named `constructor` or `__proto__` is an ordinary key. */
const own = (node: unknown, key: string | number): unknown =>
  (isObject(node) || Array.isArray(node)) && Object.hasOwn(node, key) ? (node as DraftObject)[key as string] : undefined;

/** Set `node[key]` as an own property, also for `__proto__` (which `=` would take for the prototype). */
const setOwn = (node: DraftObject, key: string | number, value: unknown) =>
  Object.defineProperty(node, key, { value, writable: true, enumerable: true, configurable: true });

/** Text from the sources on one comment line: control characters and line breaks escaped, so it cannot end the comment. */
export const commentText = (text: string): string => escapeControl(text);

/** One leaf of the draft: its path and value, as import reports what it mapped. */
export interface MappedValue {
  readonly path: DraftPath;
  readonly value: unknown;
}

/** Every leaf (a scalar, a list, an empty mapping) of `data` with its path, in order. */
export function leaves(data: unknown, path: DraftPath = []): MappedValue[] {
  if (!isObject(data) || Object.keys(data).length === 0) return [{ path, value: data }];
  return Object.keys(data).flatMap((k) => leaves(data[k], [...path, k]));
}

/**
 * A spec being written from what exists: the values found, a comment on each guessed one, the secret
 * keys to fill (never their values) and what could not be mapped. Every string that came from a source
 * reaches the written spec only as a YAML node's value or as escaped comment text.
 */
export class ImportDraft {
  readonly spec: DraftObject = {};
  readonly guesses = new Map<string, { path: DraftPath; why: string }>();
  readonly unmapped: string[] = [];
  readonly secrets = new Map<string, string>();

  get(path: DraftPath): unknown {
    let node: unknown = this.spec;
    for (const k of path) node = own(node, k);
    return node;
  }

  has(path: DraftPath): boolean {
    return this.get(path) !== undefined;
  }

  /** Set a value; with `why`, it is marked as a guess in the written spec. */
  set(path: DraftPath, value: unknown, why?: string): void {
    let node = this.spec;
    for (const k of path.slice(0, -1)) {
      if (!isObject(own(node, k))) setOwn(node, k, {});
      node = own(node, k) as DraftObject;
    }
    setOwn(node, path[path.length - 1] as string, value);
    // A found value replaces the guesses made at or under its path.
    const id = path.join("\0");
    for (const key of [...this.guesses.keys()]) if (key === id || key.startsWith(`${id}\0`)) this.guesses.delete(key);
    if (why) this.guesses.set(id, { path, why });
  }

  /** Remove the value at `path` (and the guesses at or under it), and the mappings it leaves empty. */
  delete(path: DraftPath): void {
    const parent = this.get(path.slice(0, -1));
    const key = path[path.length - 1];
    if (isObject(parent) && key !== undefined && Object.hasOwn(parent, key)) delete parent[key as string];
    if (path.length > 1 && isObject(parent) && Object.keys(parent).length === 0) this.delete(path.slice(0, -1));
    const id = path.join("\0");
    for (const k of [...this.guesses.keys()]) if (k === id || k.startsWith(`${id}\0`)) this.guesses.delete(k);
  }

  /** Set only when nothing set it before (a value found by another source wins). */
  setDefault(path: DraftPath, value: unknown, why?: string): void {
    if (!this.has(path)) this.set(path, value, why);
  }

  /** A secret as the `${KEY}` the spec names, recorded with what to fill it with. */
  secret(key: string, what: string): string {
    if (!this.secrets.has(key)) this.secrets.set(key, what);
    return `\${${key}}`;
  }

  /** Something found that the spec does not hold; listed, escaped, at the end of the spec and by the command. */
  unmap(what: string): void {
    const line = commentText(what);
    if (!this.unmapped.includes(line)) this.unmapped.push(line);
  }

  /**
   * The spec as a YAML document in the spec's own key order: guessed values carry a comment, the header
   * comes first and the unmapped list last, each a comment the library writes (never joined text).
   */
  toYaml(header: readonly string[]): string {
    const rank = (k: string) => (TOP_LEVEL.indexOf(k) + TOP_LEVEL.length + 1) % (TOP_LEVEL.length + 1);
    const doc = new Document(this.spec);
    if (isMap(doc.contents))
      doc.contents.items.sort((a, b) => rank(String(isScalar(a.key) ? a.key.value : a.key)) - rank(String(isScalar(b.key) ? b.key.value : b.key)));
    for (const { path, why } of this.guesses.values()) {
      const node = doc.getIn(path, true);
      if (isScalar(node)) node.comment = ` guessed: ${commentText(why)}`;
      else if (node && typeof node === "object") (node as { commentBefore?: string }).commentBefore = ` guessed: ${commentText(why)}`;
    }
    doc.commentBefore = header.map((l) => ` ${commentText(l)}`).join("\n");
    doc.comment =
      this.unmapped.length === 0
        ? " Everything found was mapped."
        : [" Not mapped (carry these over by hand if you need them):", ...this.unmapped.map((u) => ` - ${commentText(u)}`)].join("\n");
    return doc.toString({ lineWidth: 0 });
  }
}

/** A handle (lowercase letters, digits, dashes, starting with a letter, at most 40 characters) from any name. */
export function toHandle(name: string, fallback: string): string {
  const h = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^[^a-z]+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return HANDLE_PATTERN.test(h) ? h : fallback;
}

/** A handle not yet in `taken`: `base`, then `base-2`, `base-3`… */
export function uniqueHandle(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}-${i}`)) return `${base}-${i}`;
}

/** Bytes as a Kubernetes quantity, in the largest binary unit that divides it. */
export function bytesToQuantity(bytes: number): string {
  for (const [unit, size] of [
    ["Ti", 1024 ** 4],
    ["Gi", 1024 ** 3],
    ["Mi", 1024 ** 2],
    ["Ki", 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}
