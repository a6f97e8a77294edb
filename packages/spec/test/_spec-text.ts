import { readFileSync } from "node:fs";
import { formatDiagnostic, parseSpec } from "../src/index.js";

/** A small valid spec declaring both targets; tests derive broken ones from it. */
export const BASE_SPEC = readFileSync(new URL("./base.yaml", import.meta.url), "utf8");

/** `text` with `from` replaced by `to`; throws when `from` is absent so a stale edit cannot pass silently. */
export function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`edit: ${JSON.stringify(from)} not found`);
  return text.replace(from, () => to);
}

/** Every diagnostic (errors, then warnings) of `text`, one line each. */
export function diagnose(text: string, file = "spec.yaml"): string[] {
  const result = parseSpec(text, file);
  return [...(result.ok ? [] : result.errors), ...result.warnings].map(formatDiagnostic);
}
