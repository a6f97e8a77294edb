import type { SpecPath } from "../loader-diagnostic.js";
import type { RuleFinding, SpecRule } from "./_rule.js";

// What Compose or the config init step would fill in (the init step knows no `$$` escape).
const PLACEHOLDER = /\$\{[^}]*\}?/g;
// immich.config passes Immich's own keys through, secrets among them: there a whole value may name a key.
const WHOLE_PLACEHOLDER = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;
const inPassthrough = (path: SpecPath) => path[0] === "immich" && path[1] === "config";

/**
 * `${KEY}` is allowed only in the fields that hold secrets. Anywhere else it would be filled in from
 * the secrets env file (by Compose, or by the config init step), which is never what the value meant.
 * Secret fields are parsed into `{ key }` references, so every string left in the parsed spec is a
 * value that must not hold one.
 */
export const placeholders: SpecRule = {
  name: "placeholders",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholder syntax, named
  description: "${KEY} placeholders appear only in fields that hold secrets, or as a whole value in immich.config.",
  // Every section that parsed.
  needs: [],
  check: (spec) => {
    const out: RuleFinding[] = [];
    const walk = (value: unknown, path: SpecPath): void => {
      if (typeof value === "string") {
        if (inPassthrough(path) && WHOLE_PLACEHOLDER.test(value)) return;
        const seen = new Map<string, number>();
        for (const m of value.matchAll(PLACEHOLDER)) {
          const found = m[0];
          const occurrence = seen.get(found) ?? 0;
          seen.set(found, occurrence + 1);
          out.push({
            path,
            find: found,
            findOccurrence: occurrence,
            message: `${found} is a secret placeholder, allowed only in fields that hold secrets (passwords, API keys, the OAuth client); here it would be filled in from the secrets env file. Write the value itself`,
          });
        }
      } else if (Array.isArray(value)) {
        for (const [i, v] of value.entries()) walk(v, [...path, i]);
      } else if (value !== null && typeof value === "object") {
        const keys = Object.keys(value);
        // A secret reference, parsed: nothing to check. A literal-or-secret value: the literal, at its own path.
        if (keys.length === 1 && keys[0] === "key") return;
        if (keys.length === 1 && keys[0] === "value") walk((value as { value: unknown }).value, path);
        else for (const k of keys) walk((value as Record<string, unknown>)[k], [...path, k]);
      }
    };
    walk(spec, []);
    return out;
  },
};
