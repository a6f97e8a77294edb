import type { ValueOrSecret } from "./schema/primitives.js";
import { passthroughSecretKeys } from "./immich-config/render.js";
import type { ImmichFamilySpec } from "./schema/spec.js";

/** A deployment target the spec can declare. */
export type Target = "kubernetes" | "compose";

/** A component that reads secrets from the secrets env file. */
export type SecretReader = "config-init" | "immich-server" | "postgres" | "redis" | "worker" | "db-backup" | "metrics-exporter";

/** One key of the secrets env file: what it holds and which components read it. */
export interface SecretKeyInfo {
  /** The key in the secrets env file. */
  readonly key: string;
  /** What the value is, for the person filling the file. */
  readonly purpose: string;
  /** Which components read it. */
  readonly readers: readonly SecretReader[];
}

/**
 * Every key of the secrets env file that `target` needs, in a stable order, each once (readers merged).
 * On Kubernetes the database credentials come from the `<cluster>-app` Secret CloudNativePG generates,
 * so the database password is not a key the user keeps.
 */
export function secretKeys(spec: ImmichFamilySpec, target: Target): SecretKeyInfo[] {
  const out = new Map<string, { purpose: string; readers: Set<SecretReader> }>();
  const add = (key: string, purpose: string, ...readers: SecretReader[]) => {
    const entry = out.get(key) ?? { purpose, readers: new Set<SecretReader>() };
    for (const r of readers) entry.readers.add(r);
    out.set(key, entry);
  };
  const keyOf = (v: ValueOrSecret) => ("key" in v ? v.key : undefined);

  const oauth = spec.auth.oauth;
  if (oauth) {
    const idKey = keyOf(oauth.clientId);
    if (idKey) add(idKey, `OAuth client id (${oauth.preset})`, "config-init");
    add(oauth.clientSecret.key, `OAuth client secret (${oauth.preset})`, "config-init");
  }
  for (const { key, path } of passthroughSecretKeys(spec)) add(key, `Immich config value ${path} (immich.config)`, "config-init");
  if (target === "compose") {
    const compose = spec.targets.compose;
    add(spec.database.password.key, `Password of the database role ${spec.database.user}`, "postgres", "immich-server");
    if (compose?.backup.enabled) add(spec.database.password.key, "", "db-backup");
    if (compose?.metricsExporter.enabled) add(spec.database.password.key, "", "metrics-exporter");
    if (compose?.backup.enabled && compose.backup.encrypt)
      add(compose.backup.passphrase.key, "Passphrase that encrypts the nightly database backups", "db-backup");
    const smtp = compose?.backup.enabled ? compose.backup.notify?.email?.smtp : undefined;
    const smtpUser = smtp?.user ? keyOf(smtp.user) : undefined;
    if (smtpUser) add(smtpUser, `User name at the SMTP server ${smtp?.host} that mails failed backups`, "db-backup");
    if (smtp?.password) add(smtp.password.key, `Password at the SMTP server ${smtp.host} that mails failed backups`, "db-backup");
  }
  if (spec.redis.password) add(spec.redis.password.key, "Password of the Redis/Valkey job queue", "redis", "immich-server");
  if (spec.worker.enabled) {
    add(spec.worker.apiKey.key, "Immich API key of an admin, for library reconciliation and scans", "worker");
    for (const [handle, member] of Object.entries(spec.members)) {
      if (member.apiKey) add(member.apiKey.key, `Immich API key of ${handle}, whose folder albums and partner shares the worker makes`, "worker");
      if (member.password)
        add(
          member.password.key,
          `Initial password of ${handle}'s Immich account (changed at first login${member.admin ? "; the worker signs up the first admin with it" : ""})`,
          "worker",
        );
    }
  }
  return [...out].map(([key, { purpose, readers }]) => ({ key, purpose, readers: [...readers] }));
}

/** An env-file template: the header as comment lines, then every key with what it is and who reads it, and no value. */
export function envFileTemplate(header: readonly string[], keys: readonly SecretKeyInfo[]): string {
  const lines = [...header.map((line) => `# ${line}`), ""];
  for (const k of keys) lines.push(`# ${k.purpose} (read by: ${k.readers.join(", ")})`, `${k.key}=`, "");
  return lines.join("\n");
}
