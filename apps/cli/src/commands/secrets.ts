import { type ImmichFamilySpec, type SecretKeyInfo, secretKeys, type Target } from "@family/immich-spec";
import type { CommandMain } from "../_command.js";
import { loadSpecOrThrow } from "../_spec.js";
import { selectTargets, TARGETS } from "../_targets.js";

export interface SecretsResult {
  /** Keys per declared (or requested) target. */
  readonly targets: Partial<Record<Target, readonly SecretKeyInfo[]>>;
}

/** Every secret key the spec needs, per target. */
export function listSecrets(spec: ImmichFamilySpec, target?: unknown): SecretsResult {
  const chosen = selectTargets(spec, target);
  return { targets: Object.fromEntries(chosen.map((t) => [t, secretKeys(spec, t)])) };
}

function whereFrom(spec: ImmichFamilySpec, target: Target): string {
  if (target === "compose") return `${spec.targets.compose?.envFile ?? ".env"} beside compose.yaml`;
  const s = spec.targets.kubernetes?.secrets;
  return s && "existingSecret" in s ? `the existing Secret ${s.existingSecret}` : `${s?.envFile ?? "secrets.env"} (kustomize secretGenerator)`;
}

/** An `.env` template: every key once with a comment saying what it is, who reads it and on which target. */
export function envTemplate(spec: ImmichFamilySpec, result: SecretsResult): string {
  const keys = new Map<string, { info: SecretKeyInfo; targets: Target[] }>();
  for (const t of TARGETS) {
    for (const info of result.targets[t] ?? []) {
      const entry = keys.get(info.key) ?? { info, targets: [] };
      entry.targets.push(t);
      keys.set(info.key, entry);
    }
  }
  const targets = TARGETS.filter((t) => result.targets[t]);
  const lines = [
    `# Secrets of ${spec.metadata.name} (${targets.join(", ")}). Fill in the values; keep this file out of git or encrypted (e.g. SOPS).`,
    ...targets.map((t) => `# ${t}: read from ${whereFrom(spec, t)}`),
  ];
  for (const [key, { info, targets: on }] of keys) {
    lines.push("", `# ${info.purpose}. Read by ${info.readers.join(", ")}${on.length < targets.length ? ` (${on.join(", ")} only)` : ""}.`, `${key}=`);
  }
  return `${lines.join("\n")}\n`;
}

export const main: CommandMain = async ({ cwd, io }, [path], flags) => {
  const { spec } = await loadSpecOrThrow(cwd, path);
  const result = listSecrets(spec, flags.target);
  switch (flags.output ?? "text") {
    case "json":
      io.stdout(JSON.stringify(result, null, 2));
      return 0;
    case "env":
      io.stdout(envTemplate(spec, result));
      return 0;
    default: {
      const lines: string[] = [];
      for (const t of TARGETS) {
        const keys = result.targets[t];
        if (!keys) continue;
        lines.push(`${t}: ${keys.length} key${keys.length === 1 ? "" : "s"}, from ${whereFrom(spec, t)}`);
        const width = Math.max(...keys.map((k) => k.key.length));
        for (const k of keys) lines.push(`  ${k.key.padEnd(width)}  ${k.purpose} [${k.readers.join(", ")}]`);
      }
      io.stdout(lines.join("\n"));
      return 0;
    }
  }
};
