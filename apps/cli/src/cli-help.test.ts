import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../test/helpers.js";
import { VERSION } from "./version.js";

/** `immich-family ...args` as its user reads it: the version as `<version>`, no trailing blanks (cac pads each option's column). */
function help(...args: string[]): string {
  const r = runCli([...args, "--help"], tmpdir());
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
  return r.stdout
    .replaceAll(`immich-family/${VERSION}`, "immich-family/<version>")
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")
    .trimEnd();
}

/** The commands the entry point registers, as its own help lists them. */
function listedCommands(): string[] {
  const text = help();
  const section = text.slice(text.indexOf("Commands:\n") + "Commands:\n".length, text.indexOf("\n\n", text.indexOf("Commands:\n")));
  return section.split("\n").map((line) => line.trim().split(" ")[0] ?? "");
}

describe("--help of every command, pinned so a change in what users read is reviewed", () => {
  it("pins each command the entry point lists, and no other", () => {
    const source = readFileSync(fileURLToPath(import.meta.url), "utf8");
    const pinned = [...source.matchAll(/\(\) =>\s*expect\(help\("([a-z-]+)"\)\)/g)].map((m) => m[1]);
    expect(pinned).toEqual(listedCommands());
  });

  it("immich-family", () =>
    expect(help()).toMatchInlineSnapshot(`
    "immich-family/<version>

    Usage:
      $ immich-family <command> [options]

    Commands:
      init [spec]              Write a commented starter spec (asks on a TTY, flags otherwise)
      validate [spec]          Check a spec: schema, cross-field rules, precise errors
      schema                   Print the JSON Schema of the spec (for editors)
      render [spec]            Render the deployment folders of the declared targets
      diff [spec]              Show what a render would change in each target folder, as a unified diff; writes nothing
      config <action> [spec]   Immich server config as code; action: render (the template) or fill (the init step)
      oauth <action> [spec]    OAuth helpers; action: redirect-uris
      secrets [spec]           List every secret key the spec needs, what it is for and who reads it
      scan [spec]              Reconcile external libraries and rescan the ones whose files changed
      albums <action> [spec]   Folder albums; action: plan or sync
      members <action> [spec]  The family's Immich accounts as the spec declares them; action: plan or sync
      bootstrap [spec]         A fresh server: sign up the spec's first admin and make the worker's API key, written into the secrets env file
      worker [spec]            Run the long-lived worker: poll, rescan on change, sync albums, serve /healthz and /metrics
      upgrade [spec]           Show what moving the pinned Immich release changes (breaking changes, manual steps, rendered diffs); --yes pins it
      import                   Write a spec from a running server and/or an existing Compose or Kubernetes folder
      doctor [spec]            Check a live server: reachable, version, key permissions, users, library paths; --preflight: the deploy target instead
      backup <action> [spec]   Restore drill; action: verify (restore the newest backup into a scratch Postgres and check it) or check (check a restored database)

    For more info, run any command with the \`--help\` flag:
      $ immich-family init --help
      $ immich-family validate --help
      $ immich-family schema --help
      $ immich-family render --help
      $ immich-family diff --help
      $ immich-family config --help
      $ immich-family oauth --help
      $ immich-family secrets --help
      $ immich-family scan --help
      $ immich-family albums --help
      $ immich-family members --help
      $ immich-family bootstrap --help
      $ immich-family worker --help
      $ immich-family upgrade --help
      $ immich-family import --help
      $ immich-family doctor --help
      $ immich-family backup --help

    Options:
      -h, --help     Display this message
      -v, --version  Display version number"
  `));
  it("init", () =>
    expect(help("init")).toMatchInlineSnapshot(`
    "immich-family/<version>

    Usage:
      $ immich-family init [spec]

    Options:
      --name <name>               Name of the install
      --web-host <host>           Host name of the web UI
      --target <target>           kubernetes, compose or both (default: kubernetes)
      --immich-version <version>  Immich release to pin
      --admin-email <email>       Email of the first admin member
      --force                     Overwrite an existing file
      -h, --help                  Display this message

    Examples:
    immich-family init
    immich-family init photos.yaml --name smiths --web-host photos.smith.family --target compose --admin-email ann@smith.family"
  `));
  it("validate", () =>
    expect(help("validate")).toMatchInlineSnapshot(`
    "immich-family/<version>

    Usage:
      $ immich-family validate [spec]

    Options:
      --output <format>  text or json (default: text)
      -h, --help         Display this message

    Examples:
    immich-family validate
    immich-family validate examples/family.yaml --output json"
  `));
  it("schema", () =>
    expect(help("schema")).toMatchInlineSnapshot(`
    "immich-family/<version>

    Usage:
      $ immich-family schema

    Options:
      --out <file>  Write to a file instead of stdout
      -h, --help    Display this message

    Examples:
    immich-family schema --out immich-family.schema.json"
  `));
  it("render", () =>
    expect(help("render")).toMatchInlineSnapshot(`
    "immich-family/<version>

    Usage:
      $ immich-family render [spec]

    Options:
      --target <target>  kubernetes or compose (default: every declared target)
      --out <dir>        Output folder; one sub-folder per target when rendering several (default: rendered)
      --force            Overwrite files edited since the last render and adopt a folder render did not write (still deletes nothing it did not write)
      --output <format>  text or json (default: text)
      -h, --help         Display this message

    Examples:
    immich-family render examples/family.yaml --out rendered
    immich-family render --target kubernetes --out deploy/k8s"
  `));
  it("diff", () =>
    expect(help("diff")).toMatchInlineSnapshot(`
    "immich-family/<version>

    Usage:
      $ immich-family diff [spec]

    Options:
      --target <target>           kubernetes or compose (default: every declared target)
      --out <dir>                 Output folder, as for render (default: rendered)
      --force                     Show what \`render --force\` would do
      --against-compose <dir>     Instead: compare the render with the Compose install in this folder (data, ports, networks, names, images, environment, schedules, ownership)
      --against-kubernetes <dir>  Instead: compare the render with the Kubernetes manifests in this folder (claims, volumes, database cluster, names, images)
      --output <format>           text or json (default: text)
      -h, --help                  Display this message

    Examples:
    immich-family diff --out rendered
    immich-family diff --against-compose /srv/immich
    immich-family diff --target kubernetes --out deploy/k8s > render.patch"
  `));
  it("config", () =>
    expect(help("config")).toMatchInlineSnapshot(`
    "immich-family/<version>

    Usage:
      $ immich-family config <action> [spec]

    Options:
      --out <file>       render: write the template to a file instead of stdout; fill: the filled config file (mode 0600)
      --target <target>  render: kubernetes or compose (needed when the spec declares both)
      --template <file>  fill: the rendered template, whose placeholders are filled from the environment
      -h, --help         Display this message

    Examples:
    immich-family config render --out immich-config.yaml.tmpl
    immich-family config fill --template /config/immich-config.yaml.tmpl --out /data/immich.yaml"
  `));
  it("oauth", () =>
    expect(help("oauth")).toMatchInlineSnapshot(`
    "immich-family/<version>

    Usage:
      $ immich-family oauth <action> [spec]

    Options:
      --output <format>  text or json (default: text)
      -h, --help         Display this message

    Examples:
    immich-family oauth redirect-uris"
  `));
  it("secrets", () =>
    expect(help("secrets")).toMatchInlineSnapshot(`
    "immich-family/<version>

    Usage:
      $ immich-family secrets [spec]

    Options:
      --output <format>  text, json or env (an .env template with empty values) (default: text)
      --target <target>  Only this target: kubernetes or compose (default: every declared target)
      -h, --help         Display this message

    Examples:
    immich-family secrets --output env > secrets.env"
  `));
  it("scan", () =>
    expect(help("scan")).toMatchInlineSnapshot(`
    "immich-family/<version>

    Usage:
      $ immich-family scan [spec]

    Options:
      --api-key-file <file>  Read the API key from this file instead of the env var the spec names (worker.apiKey)
      --library <name>       Only this library (handle)
      --wait                 Follow the server's queues until the scan is done
      --force                Scan even when no change was seen
      --dry-run              Show what would be done
      --prune                Delete libraries the spec no longer declares (dry-run first)
      --state-dir <dir>      Where change-detection state is kept (default: .immich-family)
      --output <format>      text or json (default: text)
      -h, --help             Display this message

    Examples:
    IMMICH_URL=https://photos.example.com/api IMMICH_API_KEY=... immich-family scan --wait"
  `));
  it("albums", () =>
    expect(help("albums")).toMatchInlineSnapshot(`
    "immich-family/<version>

    Usage:
      $ immich-family albums <action> [spec]

    Options:
      --library <name>       Only this library (handle)
      --allow-removals       sync: apply mirror-mode removals
      --cleanup-empty        sync: delete empty albums this tool created
      --deep                 Read every album's assets, not only those whose asset count differs, and every asset of the library
      --state-dir <dir>      Where the last read of each library's assets is kept (the next run reads only what changed) (default: .immich-family)
      --api-key-file <file>  Read the admin API key from this file instead of the env var the spec names (worker.apiKey)
      --output <format>      text or json (default: text)
      -h, --help             Display this message

    Examples:
    immich-family albums plan
    immich-family albums sync --output json"
  `));
  it("members", () =>
    expect(help("members")).toMatchInlineSnapshot(`
    "immich-family/<version>

    Usage:
      $ immich-family members <action> [spec]

    Options:
      --prune                sync: delete (Immich's soft delete) accounts the spec does not declare
      --deep                 Read every member's preferences and partner shares, not only those the last run did not vouch for
      --state-dir <dir>      Where the last run's record is kept (a no-op run then reads only the account list) (default: .immich-family)
      --api-key-file <file>  Read the admin API key from this file instead of the env var the spec names (worker.apiKey)
      --output <format>      text or json (default: text)
      -h, --help             Display this message

    Examples:
    immich-family members plan
    immich-family members sync --output json"
  `));
  it("bootstrap", () =>
    expect(help("bootstrap")).toMatchInlineSnapshot(`
    "immich-family/<version>

    Usage:
      $ immich-family bootstrap [spec]

    Options:
      --secrets-env <file>  The secrets env file that gets the worker's key (default: the target's, in --out)
      --target <target>     kubernetes or compose: whose secrets env file (needed when the spec declares both)
      --out <dir>           The render's output folder, where the target's secrets env file is (default: rendered)
      --output <format>     text or json (default: text)
      -h, --help            Display this message

    Examples:
    IMMICH_URL=http://localhost:2283 immich-family bootstrap --out rendered
    IMMICH_URL=http://localhost:2283 immich-family bootstrap --secrets-env deploy/secrets.env"
  `));
  it("worker", () =>
    expect(help("worker")).toMatchInlineSnapshot(`
    "immich-family/<version>

    Usage:
      $ immich-family worker [spec]

    Options:
      --api-key-file <file>  Read the API key from this file instead of the env var the spec names (worker.apiKey)
      --port <port>          Port of /healthz, /readyz and /metrics (default: 9464)
      --state-dir <dir>      Where change-detection state is kept (default: .immich-family)
      --once                 Run one cycle and exit
      -h, --help             Display this message

    Examples:
    immich-family worker /etc/immich-family/spec.yaml"
  `));
  it("upgrade", () =>
    expect(help("upgrade")).toMatchInlineSnapshot(`
    "immich-family/<version>

    Usage:
      $ immich-family upgrade [spec]

    Options:
      --to <version>         The release to move to (default: the newest release this tool knows)
      --yes                  Rewrite immich.version in the spec without asking; settings whose default the new line changes keep their old value in immich.config
      --accept-new-defaults  With --yes: let the new line's defaults apply instead of pinning the old ones
      --output <format>      text or json (default: text)
      -h, --help             Display this message

    Examples:
    immich-family upgrade
    immich-family upgrade examples/family.yaml --to v3.1.0 --yes"
  `));
  it("import", () =>
    expect(help("import")).toMatchInlineSnapshot(`
    "immich-family/<version>

    Usage:
      $ immich-family import

    Options:
      --server <url>         A running Immich (its URL); the admin API key from IMMICH_API_KEY or --api-key-file
      --api-key-file <file>  Read the admin API key from this file instead of IMMICH_API_KEY
      --compose <dir>        A Compose folder: docker-compose.yml (or compose.yaml) and its .env
      --kubernetes <dir>     A folder of Kubernetes manifests
      --out <file>           Where to write the spec (default: immich-family.yaml)
      --force                Overwrite an existing file
      -h, --help             Display this message

    Examples:
    IMMICH_API_KEY=... immich-family import --server https://photos.example.com --compose /srv/immich
    immich-family import --kubernetes ./manifests --out immich-family.yaml"
  `));
  it("doctor", () =>
    expect(help("doctor")).toMatchInlineSnapshot(`
    "immich-family/<version>

    Usage:
      $ immich-family doctor [spec]

    Options:
      --api-key-file <file>  Read the API key from this file instead of the env var the spec names (worker.apiKey)
      --preflight            Check where the targets are about to be deployed (kubectl: CRDs, ingress class, issuer, storage class, namespace; Compose: docker compose v2, host paths, ports); no server needed
      --target <target>      --preflight: kubernetes or compose (default: every declared target)
      --out <dir>            --preflight: the render's output folder, which Compose's relative host paths are relative to (default: rendered)
      --output <format>      text or json (default: text)
      -h, --help             Display this message

    Examples:
    IMMICH_URL=https://photos.example.com/api IMMICH_API_KEY=... immich-family doctor
    immich-family doctor --preflight --target compose --out deploy"
  `));
  it("backup", () =>
    expect(help("backup")).toMatchInlineSnapshot(`
    "immich-family/<version>

    Usage:
      $ immich-family backup <action> [spec]

    Options:
      --file <path>         verify: this backup instead of the newest in the declared folders
      --scratch-url <url>   verify: restore into this scratch PostgreSQL instead of the Compose file's drill service (never the live one)
      --target <target>     verify: compose or kubernetes (default: compose)
      --out <dir>           Compose: the render's output folder, where compose.yaml is (default: rendered); Kubernetes: where the drill's objects are rendered (default: a new temporary folder)
      --apply               verify --target kubernetes: apply with kubectl, wait, print the checks, and always remove what it applied
      --backup <name>       verify --target kubernetes: this volume-snapshot Backup instead of the newest
      --timeout <duration>  verify --target kubernetes: how long the restore and the checks may take, e.g. 45m (default: 1h)
      --status-file <file>  verify: write the result and time here (JSON, or Prometheus text when it ends in .prom)
      --notify              verify: mail a failed drill through the backup's mail settings (targets.compose.backup.notify.email)
      --sample <n>          How many asset files to look for on disk (default: the spec's backup.drill.sample)
      --database-url <url>  check: the restored database (better: the env var DRILL_DATABASE_URL, which keeps the password off the command line)
      --media <dir>         check: where the media folder is mounted (default: immich.mediaLocation, else /data)
      --output <format>     text or json (default: text)
      -h, --help            Display this message

    Examples:
    immich-family backup verify --out /srv/immich-stack
    immich-family backup verify --target kubernetes --apply
    immich-family backup verify --file backups/db-backup/pgsql_immich_immich-db_20261206-033000.sql.zst.gpg --scratch-url postgres://postgres@127.0.0.1:5433/postgres
    DRILL_DATABASE_URL=postgres://… immich-family backup check /etc/immich-family/spec.yaml"
  `));
});
