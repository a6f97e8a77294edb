import { HANDLE_PATTERN } from "@family/immich-spec";
import { Document, isScalar } from "yaml";

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

/**
 * A spec being written from what exists: the values found, a comment on each guessed one, the secret
 * keys to fill (never their values) and what could not be mapped.
 */
export class ImportDraft {
  readonly spec: DraftObject = {};
  readonly guesses = new Map<string, { path: DraftPath; why: string }>();
  readonly unmapped: string[] = [];
  readonly secrets = new Map<string, string>();

  get(path: DraftPath): unknown {
    let node: unknown = this.spec;
    for (const k of path) {
      if (!isObject(node) && !Array.isArray(node)) return undefined;
      node = (node as DraftObject)[k as string];
    }
    return node;
  }

  has(path: DraftPath): boolean {
    return this.get(path) !== undefined;
  }

  /** Set a value; with `why`, it is marked as a guess in the written spec. */
  set(path: DraftPath, value: unknown, why?: string): void {
    let node = this.spec;
    for (const k of path.slice(0, -1)) {
      if (!isObject(node[k as string])) node[k as string] = {};
      node = node[k as string];
    }
    node[path[path.length - 1] as string] = value;
    // A found value replaces the guesses made at or under its path.
    const id = path.join("\0");
    for (const key of [...this.guesses.keys()]) if (key === id || key.startsWith(`${id}\0`)) this.guesses.delete(key);
    if (why) this.guesses.set(id, { path, why });
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

  unmap(what: string): void {
    if (!this.unmapped.includes(what)) this.unmapped.push(what);
  }

  /** The spec as YAML in the spec's own key order: guessed values carry a comment, and the unmapped list follows. */
  toYaml(header: readonly string[]): string {
    const rank = (k: string) => (TOP_LEVEL.indexOf(k) + TOP_LEVEL.length + 1) % (TOP_LEVEL.length + 1);
    const ordered = Object.fromEntries(Object.entries(this.spec).sort(([a], [b]) => rank(a) - rank(b)));
    const doc = new Document(ordered);
    for (const { path, why } of this.guesses.values()) {
      const node = doc.getIn(path, true);
      if (isScalar(node)) node.comment = ` guessed: ${why}`;
      else if (node && typeof node === "object") (node as { commentBefore?: string }).commentBefore = ` guessed: ${why}`;
    }
    doc.commentBefore = header.map((l) => ` ${l}`).join("\n");
    const tail =
      this.unmapped.length === 0
        ? ["", "# Everything found was mapped."]
        : ["", "# Not mapped (carry these over by hand if you need them):", ...this.unmapped.map((u) => `# - ${u}`)];
    return `${doc.toString({ lineWidth: 0 })}${tail.join("\n")}\n`;
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

/** A quantity in bytes: the spec package's, so import and members sync read `500Gi` alike. */
export { quantityToBytes } from "@family/immich-spec";
