/** The variable Valkey's start script reads the password from; `valkey-cli` reads it too, so health checks authenticate without a flag. */
export const VALKEY_PASSWORD_ENV = "REDISCLI_AUTH";

/**
 * A POSIX `sh` script that starts Valkey through the image's entrypoint with its configuration on
 * standard input (`valkey-server -`), so the password comes from the environment and never appears
 * on the command line (`ps`, `/proc/<pid>/cmdline`) nor on disk. The password is quoted for Valkey's
 * config syntax (`\` and `"` escaped); `extraConfig` lines follow it.
 */
export function valkeyStartScript(extraConfig: readonly string[] = []): string {
  return [
    "set -eu",
    `pw=$(printf '%s' "$${VALKEY_PASSWORD_ENV}" | sed 's/[\\\\"]/\\\\&/g')`,
    "exec docker-entrypoint.sh valkey-server - <<EOF",
    'requirepass "$pw"',
    ...extraConfig,
    "EOF",
    "",
  ].join("\n");
}
