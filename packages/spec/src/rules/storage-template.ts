import { didYouMean } from "../loader-suggest.js";
import type { RuleFinding, SpecRule } from "./_rule.js";

/** The tokens Immich's storage template knows (it does not check them when the config comes from a file). */
export const STORAGE_TEMPLATE_TOKENS = [
  ...["y", "yy", "M", "MM", "MMM", "MMMM", "W", "WW", "d", "dd", "h", "hh", "H", "HH", "m", "mm", "s", "ss", "SSS"],
  ...["filename", "ext", "filetype", "filetypefull", "assetId", "assetIdShort", "album", "make", "model", "lensModel"],
] as const;
const KNOWN = new Set<string>(STORAGE_TEMPLATE_TOKENS);

export const storageTemplate: SpecRule = {
  name: "storage-template",
  description: "The storage template uses only known tokens and balanced {{#if album}}…{{/if}} blocks.",
  needs: ["storageTemplate"],
  check: (spec) => {
    const template = spec.storageTemplate?.template;
    if (template === undefined) return [];
    const path = ["storageTemplate", "template"];
    const out: RuleFinding[] = [];
    let open = 0;
    for (const m of template.matchAll(/\{\{([^}]*)\}\}/g)) {
      const [whole, inner = ""] = m;
      const at = { find: whole, findOccurrence: template.slice(0, m.index).split(whole).length - 1 };
      const token = inner.trim();
      const block = /^#if\s+(\S+)$/.exec(token);
      if (block?.[1] !== undefined) {
        open++;
        if (block[1] !== "album") out.push({ path, ...at, message: `expected {{#if album}}, the only condition Immich supports, got ${whole}` });
      } else if (token === "/if") {
        if (open === 0) out.push({ path, ...at, message: "{{/if}} without an opening {{#if album}}" });
        else open--;
      } else if (token !== "else" && !KNOWN.has(token)) {
        out.push({ path, ...at, message: `unknown token ${whole}${didYouMean(token, STORAGE_TEMPLATE_TOKENS).replace(/"([^"]+)"/, "{{$1}}")}` });
      }
    }
    if (open > 0) out.push({ path, message: "{{#if album}} is never closed with {{/if}}" });
    return out;
  },
};
