import { isSecretEnvName, type ServerEnvVar, serverEnvOwner, serverEnvVar } from "@family/immich-spec";
import type { ImportDraft } from "./_draft.js";

/** The key of a value that is exactly one `${KEY}` (with any modifier), else undefined. */
export function secretKeyOf(value: unknown): string | undefined {
  return typeof value === "string" ? /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?][^}]*)?\}$/.exec(value.trim())?.[1] : undefined;
}

/** One variable of the table read back into the draft, as its entry says; a value found before wins. */
function importTableVar(draft: ImportDraft, entry: ServerEnvVar, value: string, source: string): void {
  const { back } = entry;
  if (back.kind === "field") {
    const got = back.parse(value);
    if (got && "set" in got) draft.setDefault(back.path, got.set);
    else if (got) draft.unmap(`${source}: ${got.note}`);
  } else if (back.kind === "secret") {
    // Only a `${KEY}` maps: a secret written as a value in the old files is never copied.
    const key = secretKeyOf(value);
    if (key && !draft.has(back.path)) draft.set(back.path, draft.secret(key, back.what));
  }
}

/**
 * The server's environment of a running install (a Compose service's env files and `environment:`, a
 * Kubernetes container's literal `env`) read back: each variable of the table as its entry says, every
 * other non-secret one into `immich.environment`. `skip` names variables that are not the server's
 * own settings (the official `.env`'s paths and version).
 */
export function importServerEnvironment(
  draft: ImportDraft,
  env: Readonly<Record<string, string>>,
  source: string,
  skip: ReadonlySet<string> = new Set(),
): void {
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(env).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const entry = serverEnvVar(k);
    if (entry) {
      importTableVar(draft, entry, v, source);
      continue;
    }
    if (skip.has(k) || serverEnvOwner(k) || !/^[A-Z_][A-Z0-9_]*$/.test(k)) continue;
    if (isSecretEnvName(k) || v.includes("${")) draft.unmap(`${source}: the server's ${k} looks like a secret; set it by hand if the server still needs it`);
    else if (/[\n\r\0]/.test(v)) draft.unmap(`${source}: the server's ${k} spans lines`);
    else extra[k] = v;
  }
  if (Object.keys(extra).length > 0) draft.set(["immich", "environment"], extra);
}
