import { isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";

/** A role in a `share_with` entry; `none` removes the user from the album's share list. */
export type ShareRole = "viewer" | "editor" | "none";

/** One `share_with` entry of an `.albumprops` file. */
export interface ShareEntry {
  /** Member handle or email, as written. */
  readonly user: string;
  readonly role: ShareRole;
}

/** The properties a folder's album can carry (the keys immich-folder-album-creator users know). */
export interface AlbumProperties {
  readonly description?: string;
  readonly shareWith?: readonly ShareEntry[];
  readonly thumbnail?: string;
  readonly sortOrder?: "asc" | "desc";
  readonly visibility?: "timeline" | "archive" | "hidden" | "locked";
  readonly commentsAndLikes?: boolean;
}

/** A property sub-folders can inherit. */
export type InheritableKey = keyof AlbumProperties;

/** One parsed `.albumprops` file. */
export interface AlbumPropsFile extends AlbumProperties {
  readonly file: string;
  /** Only for the folder's own album; never inherited. */
  readonly overrideName?: string;
  /** Whether sub-folders inherit this file's properties. @default false */
  readonly inherit: boolean;
  /** Which properties sub-folders inherit when `inherit` is true. @default all */
  readonly inheritProperties?: readonly InheritableKey[];
}

/** Why an `.albumprops` file was refused, at `file:line:column`. */
export interface AlbumPropsError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  /** The file's other problems, in file order (each is reported, not only the first). */
  readonly also?: readonly AlbumPropsError[];
}

/** A parsed `.albumprops` file, or why it was refused. */
export type AlbumPropsResult = { readonly ok: true; readonly value: AlbumPropsFile } | { readonly ok: false; readonly error: AlbumPropsError };

/** `.albumprops` key → property name. */
const KEYS = {
  override_name: "overrideName",
  description: "description",
  share_with: "shareWith",
  thumbnail_setting: "thumbnail",
  sort_order: "sortOrder",
  visibility: "visibility",
  comments_and_likes_enabled: "commentsAndLikes",
  inherit: "inherit",
  inherit_properties: "inheritProperties",
} as const;
type FileKey = keyof typeof KEYS;

/** The file keys sub-folders may inherit (override_name, inherit and inherit_properties never are). */
export const INHERITABLE_FILE_KEYS = ["description", "share_with", "thumbnail_setting", "sort_order", "visibility", "comments_and_likes_enabled"] as const;

class PropsError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** Parse the text of one `.albumprops` file; errors carry file:line:column. */
export function parseAlbumProps(text: string, file: string): AlbumPropsResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: AlbumPropsError[] = [];
  const add = (offset: number, message: string) => {
    const { line, col } = lineCounter.linePos(offset);
    problems.push({ file, line, column: col, message });
  };
  const failed = (): AlbumPropsResult => {
    const [first, ...also] = problems.sort((a, b) => a.line - b.line || a.column - b.column);
    return { ok: false, error: also.length > 0 ? { ...first!, also } : first! };
  };
  for (const e of doc.errors) add(e.pos[0], e.message.split("\n")[0] ?? e.message);
  if (problems.length > 0) return failed();
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ""))) return { ok: true, value: { file, inherit: false } };
  if (!isMap(root)) {
    add(root.range?.[0] ?? 0, "expected a mapping of album properties");
    return failed();
  }
  const out: Record<string, unknown> = { file, inherit: false };
  for (const pair of root.items) {
    const keyNode = pair.key;
    const key = isScalar(keyNode) ? String(keyNode.value) : "";
    const keyOffset = (isScalar(keyNode) ? keyNode.range?.[0] : undefined) ?? 0;
    if (!(key in KEYS)) {
      add(keyOffset, `unknown key "${key}"; expected one of ${Object.keys(KEYS).join(", ")}`);
      continue;
    }
    const node = pair.value;
    const offset = (node as { range?: [number, number] } | null)?.range?.[0] ?? keyOffset;
    try {
      out[KEYS[key as FileKey]] = readValue(key as FileKey, node, offset);
    } catch (error) {
      if (!(error instanceof PropsError)) throw error;
      add(error.offset, error.message);
    }
  }
  return problems.length > 0 ? failed() : { ok: true, value: out as unknown as AlbumPropsFile };
}

function scalar(node: unknown, offset: number, key: string): unknown {
  if (!isScalar(node)) throw new PropsError(offset, `${key}: expected a single value`);
  return node.value;
}

function oneOf<T extends string>(node: unknown, offset: number, key: string, allowed: readonly T[]): T {
  const v = scalar(node, offset, key);
  if (typeof v !== "string" || !allowed.includes(v as T))
    throw new PropsError(offset, `${key}: expected one of ${allowed.join(", ")}, got ${JSON.stringify(v)}`);
  return v as T;
}

function text(node: unknown, offset: number, key: string): string {
  const v = scalar(node, offset, key);
  if (typeof v !== "string" && typeof v !== "number") throw new PropsError(offset, `${key}: expected text`);
  return String(v);
}

function bool(node: unknown, offset: number, key: string): boolean {
  const v = scalar(node, offset, key);
  if (typeof v !== "boolean") throw new PropsError(offset, `${key}: expected true or false, got ${JSON.stringify(v)}`);
  return v;
}

function readValue(key: FileKey, node: unknown, offset: number): unknown {
  switch (key) {
    case "override_name":
    case "description":
    case "thumbnail_setting": {
      const v = text(node, offset, key);
      if (key !== "description" && v.trim() === "") throw new PropsError(offset, `${key}: must not be empty`);
      return v;
    }
    case "sort_order":
      return oneOf(node, offset, key, ["asc", "desc"]);
    case "visibility":
      return oneOf(node, offset, key, ["timeline", "archive", "hidden", "locked"]);
    case "comments_and_likes_enabled":
    case "inherit":
      return bool(node, offset, key);
    case "inherit_properties": {
      if (!isSeq(node)) throw new PropsError(offset, `${key}: expected a list of property names`);
      return node.items.map((item) => {
        const o = (item as { range?: [number, number] }).range?.[0] ?? offset;
        const name = oneOf(item, o, key, INHERITABLE_FILE_KEYS);
        return KEYS[name];
      });
    }
    case "share_with": {
      if (!isSeq(node)) throw new PropsError(offset, `${key}: expected a list of {user, role}`);
      return node.items.map((item): ShareEntry => {
        const o = (item as { range?: [number, number] }).range?.[0] ?? offset;
        if (isScalar(item)) return { user: text(item, o, "share_with[].user"), role: "viewer" };
        if (!isMap(item)) throw new PropsError(o, "share_with: expected each entry as {user, role}");
        let user: string | undefined;
        let role: ShareRole = "viewer";
        for (const p of item.items) {
          const k = isScalar(p.key) ? String(p.key.value) : "";
          const po = (p.value as { range?: [number, number] } | null)?.range?.[0] ?? o;
          if (k === "user") user = text(p.value, po, "share_with[].user");
          else if (k === "role") role = oneOf(p.value, po, "share_with[].role", ["viewer", "editor", "none"]);
          else throw new PropsError((isScalar(p.key) ? p.key.range?.[0] : undefined) ?? o, `share_with: unknown key "${k}"; expected user and role`);
        }
        if (!user?.trim()) throw new PropsError(o, "share_with: each entry needs a user (a member handle or email)");
        return { user: user.trim(), role };
      });
    }
  }
}

/** `file:line:column: message`, the format of every problem report. */
export function formatAlbumPropsError(e: AlbumPropsError): string {
  return `${e.file}:${e.line}:${e.column}: ${e.message}`;
}
