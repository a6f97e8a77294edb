import type { z } from "zod";
import type { SpecPath } from "./loader-diagnostic.js";

interface Def {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly shape?: Record<string, z.ZodType>;
  readonly valueType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly options?: readonly z.ZodType[];
}
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The schemas a value at this level may match, wrappers (optional, default, pipe…) removed. */
function unwrap(schema: z.ZodType): z.ZodType[] {
  const def = defOf(schema);
  if (def.innerType && ["optional", "nullable", "default", "prefault", "catch", "readonly", "nonoptional"].includes(def.type)) return unwrap(def.innerType);
  if (def.type === "pipe" && def.in) return unwrap(def.in);
  if (def.type === "union" && def.options) return def.options.flatMap(unwrap);
  return [schema];
}

function child(schema: z.ZodType, segment: string | number): z.ZodType[] {
  return unwrap(schema).flatMap((s) => {
    const def = defOf(s);
    if (def.type === "object") return def.shape?.[String(segment)] ? [def.shape[String(segment)] as z.ZodType] : [];
    if (def.type === "record" && def.valueType) return [def.valueType];
    if (def.type === "array" && def.element) return [def.element];
    return [];
  });
}

/** The keys a mapping at `path` may hold, by the schema (every branch of a union). */
export function knownKeysAt(root: z.ZodType, path: SpecPath): string[] {
  let level: z.ZodType[] = [root];
  for (const segment of path) level = level.flatMap((s) => child(s, segment));
  const keys = new Set<string>();
  for (const s of level.flatMap(unwrap)) {
    const def = defOf(s);
    if (def.type === "object") for (const k of Object.keys(def.shape ?? {})) keys.add(k);
  }
  return [...keys];
}

/** Whether the schema at `path` only accepts integers (zod reports them as plain numbers). */
export function expectsInteger(root: z.ZodType, path: SpecPath): boolean {
  let level: z.ZodType[] = [root];
  for (const segment of path) level = level.flatMap((s) => child(s, segment));
  const leaves = level.flatMap(unwrap);
  return leaves.length > 0 && leaves.every((s) => /int/.test(String((defOf(s) as { format?: string }).format ?? "")));
}

/** The kinds of value the schema at `path` accepts (`int`, `string`, `object`…), every union branch. */
export function acceptedTypesAt(root: z.ZodType, path: SpecPath): string[] {
  let level: z.ZodType[] = [root];
  for (const segment of path) level = level.flatMap((s) => child(s, segment));
  const kinds = level.flatMap(unwrap).map((s) => {
    const def = defOf(s) as Def & { format?: string };
    if (def.type === "number" && /int/.test(def.format ?? "")) return "int";
    if (def.type === "enum" || def.type === "literal" || def.type === "template_literal") return "string";
    return def.type;
  });
  return [...new Set(kinds)];
}
