import { isMap, isScalar, parseDocument, Scalar } from "yaml";

/**
 * The spec's text with `immich.version` set to `version`, and every other byte as it was: comments,
 * quoting, flow or block style, line endings. Only the characters of that one scalar are replaced (its
 * quotes and a leading `v` kept as written). Throws when the text has no plain `immich.version` scalar.
 */
export function setImmichVersion(source: string, version: string): string {
  const doc = parseDocument(source, { uniqueKeys: false });
  if (doc.errors.length > 0) throw new Error(`the spec is not valid YAML: ${doc.errors[0]?.message}`);
  const immich = doc.get("immich", true);
  const node = isMap(immich) ? immich.get("version", true) : undefined;
  if (!isScalar(node) || !node.range || typeof node.value !== "string") throw new Error("the spec has no immich.version to change");
  const [start, end] = node.range;
  const bare = /^v?[0-9]+\.[0-9]+\.[0-9]+$/.test(version) ? version.replace(/^v/, "") : undefined;
  if (bare === undefined) throw new Error(`not a release version: ${version}`);
  const value = node.value.startsWith("v") ? `v${bare}` : bare;
  const quotes: Partial<Record<string, string>> = { [Scalar.QUOTE_DOUBLE]: '"', [Scalar.QUOTE_SINGLE]: "'", [Scalar.PLAIN]: "" };
  const quote = quotes[node.type ?? Scalar.PLAIN];
  if (quote === undefined) throw new Error("immich.version is a block scalar; write it as a plain value such as v3.1.0");
  const text = `${source.slice(0, start)}${quote}${value}${quote}${source.slice(end)}`;
  const check = parseDocument(text, { uniqueKeys: false }).getIn(["immich", "version"]);
  if (check !== value) throw new Error("could not rewrite immich.version in place");
  return text;
}
