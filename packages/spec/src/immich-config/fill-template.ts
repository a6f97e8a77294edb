import { parseDocument, visit } from "yaml";
import { yamlDoubleQuoted } from "./_yaml-quote.js";

/** A placeholder: `${KEY}` with an upper-case key, as in the secrets env file. */
const PLACEHOLDER_RE = /\$\{([A-Z_][A-Z0-9_]*)\}/g;
const HAS_PLACEHOLDER_RE = /\$\{[A-Z_][A-Z0-9_]*\}/;

/** The config template with its `${KEY}` placeholders filled in, or the keys the secrets env file lacks. */
export type FillResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly missing: readonly string[] };

interface Site {
  readonly start: number;
  readonly end: number;
  readonly value: string;
}

function placeholderSites(text: string): Site[] {
  const doc = parseDocument(text, { prettyErrors: false });
  const error = doc.errors[0];
  if (error) throw new Error(`the config template is not valid YAML: ${error.message.split("\n")[0]}`);
  const sites: Site[] = [];
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value !== "string" || !node.range) return;
      if (HAS_PLACEHOLDER_RE.test(node.value)) sites.push({ start: node.range[0], end: node.range[1], value: node.value });
    },
  });
  return sites;
}

/** The placeholder keys in the strings (map keys and values) of plain data, sorted. */
export function placeholderKeysOf(value: unknown): string[] {
  const keys = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === "string") for (const m of v.matchAll(PLACEHOLDER_RE)) keys.add(m[1] as string);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object")
      for (const [k, inner] of Object.entries(v)) {
        walk(k);
        walk(inner);
      }
  };
  walk(value);
  return [...keys].sort();
}

/** The placeholder keys of a template, sorted (only in YAML values and keys, never in comments). */
export function templateKeys(text: string): string[] {
  const keys = new Set<string>();
  for (const site of placeholderSites(text)) for (const m of site.value.matchAll(PLACEHOLDER_RE)) if (m[1]) keys.add(m[1]);
  return [...keys].sort();
}

/**
 * Fill every `${KEY}` placeholder in the YAML scalars of `text` from `env`, in one pass: a `$` inside a
 * value is never expanded again. Each scalar holding a placeholder is rewritten in place as a
 * double-quoted YAML string, so any character of a value survives the server's YAML parse; the rest of
 * the text is kept byte for byte. Keys unset or empty in `env` are all reported, none filled.
 */
export function fillTemplate(text: string, env: Readonly<Record<string, string | undefined>>): FillResult {
  const missing = new Set<string>();
  const replacements: { start: number; end: number; text: string }[] = [];
  for (const site of placeholderSites(text)) {
    const value = site.value.replace(PLACEHOLDER_RE, (whole, key: string) => {
      const v = env[key];
      if (v === undefined || v === "") {
        missing.add(key);
        return whole;
      }
      return v;
    });
    replacements.push({ start: site.start, end: site.end, text: yamlDoubleQuoted(value) });
  }
  if (missing.size > 0) return { ok: false, missing: [...missing].sort() };
  let out = text;
  for (const r of replacements.sort((a, b) => b.start - a.start)) out = out.slice(0, r.start) + r.text + out.slice(r.end);
  return { ok: true, text: out };
}
