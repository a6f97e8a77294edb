import type { ComposeService, DependsOnCondition } from "./compose-model.js";

type DependsOn = NonNullable<ComposeService["depends_on"]>;

/** `depends_on` from `[service, condition]` pairs, skipping the services not rendered. */
export function dependsOn(...entries: readonly (readonly [string, DependsOnCondition] | false)[]): { depends_on?: DependsOn } {
  const out: Record<string, { condition: DependsOnCondition }> = {};
  for (const e of entries) if (e) out[e[0]] = { condition: e[1] };
  return Object.keys(out).length > 0 ? { depends_on: out } : {};
}

/** A healthcheck command run by the image's Node.js: exit 0 when `url` answers 2xx. */
export function nodeHttpCheck(url: string): string[] {
  return ["CMD", "node", "-e", `fetch('${url}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`];
}
