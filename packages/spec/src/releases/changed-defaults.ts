import { Document, isMap, isNode, parseDocument } from "yaml";
import { type ConfigObject, checkImmichConfig, immichConfigDefaults, isPlainObject, mergeConfig } from "../immich-config/config-schema.js";
import type { ImmichLine } from "./release-line.js";

/** A server setting whose default differs between two release lines. */
export interface ChangedDefault {
  /** Dotted into the config, e.g. ["ffmpeg", "accelDecode"]. */
  readonly path: readonly string[];
  /** The default on the line the install runs. */
  readonly from: unknown;
  /** The default on the line it moves to. */
  readonly to: unknown;
  /** The new line accepts the old value, so it can be pinned in the spec to keep the old behaviour. */
  readonly pinnable: boolean;
}

/** Every leaf of a config (arrays are leaves), as `[path, value]`. */
function leaves(config: ConfigObject, prefix: readonly string[] = []): [string[], unknown][] {
  return Object.entries(config).flatMap(([k, v]) => (isPlainObject(v) ? leaves(v, [...prefix, k]) : [[[...prefix, k], v] as [string[], unknown]]));
}

/** `{ a: { b: value } }` for the path `[a, b]`. */
export function configAt(path: readonly string[], value: unknown): ConfigObject {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as ConfigObject;
}

/** The value at `path` of a config, or undefined. */
export function configValue(config: ConfigObject, path: readonly string[]): unknown {
  let node: unknown = config;
  for (const k of path) node = isPlainObject(node) ? node[k] : undefined;
  return node;
}

/**
 * The settings whose default differs between the lines `from` and `to`, derived from each line's own
 * default table (what `GET /system-config/defaults` returns), not from a hand-kept list. Keys that
 * exist on one line only are not changed defaults (the release notes list them).
 */
export function changedDefaults(from: ImmichLine, to: ImmichLine): ChangedDefault[] {
  if (from === to) return [];
  const before = immichConfigDefaults(from);
  const after = immichConfigDefaults(to);
  const out: ChangedDefault[] = [];
  for (const [path, old] of leaves(before)) {
    const next = configValue(after, path);
    if (next === undefined || JSON.stringify(next) === JSON.stringify(old)) continue;
    const pinnable = checkImmichConfig(to, mergeConfig(after, configAt(path, old))).length === 0;
    out.push({ path, from: old, to: next, pinnable });
  }
  return out;
}

/**
 * The spec's text with each `[path, value]` pinned under `immich.config`. Values the spec already sets
 * there are left alone. When the spec has no `immich.config` yet and `immich` is a block mapping, the
 * new block (written by the yaml library's nodes) is inserted after `immich`'s last line and every
 * other byte stays as it was; otherwise the document is rewritten by the yaml library, comments kept.
 * Throws when the text has no `immich` mapping.
 */
export function pinConfigValues(source: string, pins: readonly { path: readonly string[]; value: unknown }[]): string {
  if (pins.length === 0) return source;
  const doc = parseDocument(source, { uniqueKeys: false });
  if (doc.errors.length > 0) throw new Error(`the spec is not valid YAML: ${doc.errors[0]?.message}`);
  const immich = doc.get("immich", true);
  if (!isMap(immich)) throw new Error("the spec has no immich mapping to pin settings in");
  const todo = pins.filter(({ path }) => !doc.hasIn(["immich", "config", ...path]));
  if (todo.length === 0) return source;
  let config: ConfigObject = {};
  for (const { path, value } of todo) config = mergeConfig(config, configAt(path, value));
  const first = immich.items[0]?.key;
  const end = immich.range?.[1];
  if (!doc.hasIn(["immich", "config"]) && !immich.flow && isNode(first) && first.range && end !== undefined) {
    const lineStart = source.lastIndexOf("\n", first.range[0] - 1) + 1;
    const indent = " ".repeat(first.range[0] - lineStart);
    const block = new Document({ config }).toString({ lineWidth: 0 });
    const newline = source.includes("\r\n") ? "\r\n" : "\n";
    const lines = block
      .trimEnd()
      .split("\n")
      .map((l) => `${indent}${l}${newline}`);
    const nl = source.indexOf("\n", Math.max(0, end - 1));
    const at = nl === -1 ? source.length : nl + 1;
    const text = `${source.slice(0, at)}${at === source.length && !source.endsWith("\n") ? newline : ""}${lines.join("")}${source.slice(at)}`;
    const check = parseDocument(text, { uniqueKeys: false });
    const expected = mergeConfig(doc.toJS() as ConfigObject, { immich: { config } });
    if (check.errors.length === 0 && JSON.stringify(check.toJS()) === JSON.stringify(expected)) return text;
  }
  for (const { path, value } of todo) doc.setIn(["immich", "config", ...path], doc.createNode(value));
  return doc.toString({ lineWidth: 0 });
}
