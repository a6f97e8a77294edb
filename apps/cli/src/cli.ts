#!/usr/bin/env node
import * as nodeModule from "node:module";
import { PORTS } from "@family/immich-spec/facts";
import { cac } from "cac";
import { loadCachedCommand, saveCodeCaches } from "./_cached.js";
import type { CommandContext, CommandMain } from "./_command.js";
import { CliError, toCliError } from "./_errors.js";
import { guardStdStreams, processIo } from "./_io.js";
import { checkOutput, keepOptionText, outputOption } from "./_options.js";
import { VERSION } from "./version.js";

// Node 22.1+ keeps compiled code on disk between runs; the commands' modules load lazily after this.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

type Loader = () => Promise<{ main: CommandMain }>;

// cac drops a lone `-` (standard input): it passes through as a NUL-prefixed stand-in no shell can type.
const STDIN_ARG = "\0-";

const cli = cac("immich-family");
const abort = new AbortController();
let pending: Promise<number> | undefined;

function action(load: Loader) {
  return (...all: unknown[]) => {
    const flags = (all.pop() ?? {}) as Record<string, unknown>;
    const args = (all as (string | undefined)[]).map((a) => (a === STDIN_ARG ? "-" : a));
    const ctx: CommandContext = { cwd: process.cwd(), io: processIo, env: process.env, signal: abort.signal };
    pending = load().then(({ main }) => main(ctx, args, flags));
  };
}

cli
  .command("init [spec]", "Write a commented starter spec (asks on a TTY, flags otherwise)")
  .option("--name <name>", "Name of the install")
  .option("--web-host <host>", "Host name of the web UI")
  .option("--target <target>", "kubernetes, compose or both (default: kubernetes)")
  .option("--immich-version <version>", "Immich release to pin")
  .option("--admin-email <email>", "Email of the first admin member")
  .option("--force", "Overwrite an existing file")
  .example("immich-family init")
  .example("immich-family init photos.yaml --name smiths --web-host photos.smith.family --target compose --admin-email ann@smith.family")
  .action(action(() => import("./commands/init.js")));

cli
  .command("validate [spec]", "Check a spec: schema, cross-field rules, precise errors")
  .option(...outputOption("json"))
  .example("immich-family validate")
  .example("immich-family validate examples/family.yaml --output json")
  .action(action(async () => loadCachedCommand("validate", process.env) ?? import("./commands/validate.js")));

cli
  .command("schema", "Print the JSON Schema of the spec (for editors)")
  .option("--out <file>", "Write to a file instead of stdout")
  .example("immich-family schema --out immich-family.schema.json")
  .action(action(() => import("./commands/schema.js")));

cli
  .command("render [spec]", "Render the deployment folders of the declared targets")
  .option("--target <target>", "kubernetes or compose (default: every declared target)")
  .option("--out <dir>", "Output folder; one sub-folder per target when rendering several", { default: "rendered" })
  .option("--force", "Overwrite files edited since the last render and adopt a folder render did not write (still deletes nothing it did not write)")
  .option(...outputOption("json"))
  .example("immich-family render examples/family.yaml --out rendered")
  .example("immich-family render --target kubernetes --out deploy/k8s")
  .action(action(async () => loadCachedCommand("render", process.env) ?? import("./commands/render.js")));

cli
  .command("diff [spec]", "Show what a render would change in each target folder, as a unified diff; writes nothing")
  .option("--target <target>", "kubernetes or compose (default: every declared target)")
  .option("--out <dir>", "Output folder, as for render", { default: "rendered" })
  .option("--force", "Show what `render --force` would do")
  .option(
    "--against-compose <dir>",
    "Instead: compare the render with the Compose install in this folder (data, ports, networks, names, images, environment, schedules, ownership)",
  )
  .option(
    "--against-kubernetes <dir>",
    "Instead: compare the render with the Kubernetes manifests in this folder (claims, volumes, database cluster, names, images)",
  )
  .option(...outputOption("json"))
  .example("immich-family diff --out rendered")
  .example("immich-family diff --against-compose /srv/immich")
  .example("immich-family diff --target kubernetes --out deploy/k8s > render.patch")
  .action(action(() => import("./commands/diff.js")));

cli
  .command("config <action> [spec]", "Immich server config as code; action: render (the template) or fill (the init step)")
  .option("--out <file>", "render: write the template to a file instead of stdout; fill: the filled config file (mode 0600)")
  .option("--target <target>", "render: kubernetes or compose (needed when the spec declares both)")
  .option("--template <file>", "fill: the rendered template, whose placeholders are filled from the environment")
  .example("immich-family config render --out immich-config.yaml.tmpl")
  .example("immich-family config fill --template /config/immich-config.yaml.tmpl --out /data/immich.yaml")
  .action(action(() => import("./commands/config.js")));

cli
  .command("oauth <action> [spec]", "OAuth helpers; action: redirect-uris")
  .option(...outputOption("json"))
  .example("immich-family oauth redirect-uris")
  .action(action(() => import("./commands/oauth.js")));

cli
  .command("secrets [spec]", "List every secret key the spec needs, what it is for and who reads it")
  .option(...outputOption("json", "env"))
  .option("--target <target>", "Only this target: kubernetes or compose (default: every declared target)")
  .example("immich-family secrets --output env > secrets.env")
  .action(action(() => import("./commands/secrets.js")));

cli
  .command("scan [spec]", "Reconcile external libraries and rescan the ones whose files changed")
  .option("--api-key-file <file>", "Read the API key from this file instead of the env var the spec names (worker.apiKey)")
  .option("--library <name>", "Only this library (handle)")
  .option("--wait", "Follow the server's queues until the scan is done")
  .option("--force", "Scan even when no change was seen")
  .option("--dry-run", "Show what would be done")
  .option("--prune", "Delete libraries the spec no longer declares (dry-run first)")
  .option("--state-dir <dir>", "Where change-detection state is kept", { default: ".immich-family" })
  .option(...outputOption("json"))
  .example("IMMICH_URL=https://photos.example.com/api IMMICH_API_KEY=... immich-family scan --wait")
  .action(action(() => import("./commands/scan.js")));

cli
  .command("albums <action> [spec]", "Folder albums; action: plan or sync")
  .option("--library <name>", "Only this library (handle)")
  .option("--allow-removals", "sync: apply mirror-mode removals")
  .option("--cleanup-empty", "sync: delete empty albums this tool created")
  .option("--deep", "Read every album's assets, not only those whose asset count differs, and every asset of the library")
  .option("--state-dir <dir>", "Where the last read of each library's assets is kept (the next run reads only what changed)", { default: ".immich-family" })
  .option("--api-key-file <file>", "Read the admin API key from this file instead of the env var the spec names (worker.apiKey)")
  .option(...outputOption("json"))
  .example("immich-family albums plan")
  .example("immich-family albums sync --output json")
  .action(action(() => import("./commands/albums.js")));

cli
  .command("members <action> [spec]", "The family's Immich accounts as the spec declares them; action: plan or sync")
  .option("--prune", "sync: delete (Immich's soft delete) accounts the spec does not declare")
  .option("--deep", "Read every member's preferences and partner shares, not only those the last run did not vouch for")
  .option("--state-dir <dir>", "Where the last run's record is kept (a no-op run then reads only the account list)", { default: ".immich-family" })
  .option("--api-key-file <file>", "Read the admin API key from this file instead of the env var the spec names (worker.apiKey)")
  .option(...outputOption("json"))
  .example("immich-family members plan")
  .example("immich-family members sync --output json")
  .action(action(() => import("./commands/members.js")));

cli
  .command("bootstrap [spec]", "A fresh server: sign up the spec's first admin and make the worker's API key, written into the secrets env file")
  .option("--secrets-env <file>", "The secrets env file that gets the worker's key (default: the target's, in --out)")
  .option("--target <target>", "kubernetes or compose: whose secrets env file (needed when the spec declares both)")
  .option("--out <dir>", "The render's output folder, where the target's secrets env file is", { default: "rendered" })
  .option(...outputOption("json"))
  .example("IMMICH_URL=http://localhost:2283 immich-family bootstrap --out rendered")
  .example("IMMICH_URL=http://localhost:2283 immich-family bootstrap --secrets-env deploy/secrets.env")
  .action(action(() => import("./commands/bootstrap.js")));

cli
  .command("worker [spec]", "Run the long-lived worker: poll, rescan on change, sync albums, serve /healthz and /metrics")
  .option("--api-key-file <file>", "Read the API key from this file instead of the env var the spec names (worker.apiKey)")
  .option("--port <port>", "Port of /healthz, /readyz and /metrics", { default: String(PORTS.worker) })
  .option("--state-dir <dir>", "Where change-detection state is kept", { default: ".immich-family" })
  .option("--once", "Run one cycle and exit")
  .example("immich-family worker /etc/immich-family/spec.yaml")
  .action(action(() => import("./commands/worker.js")));

cli
  .command("upgrade [spec]", "Show what moving the pinned Immich release changes (breaking changes, manual steps, rendered diffs); --yes pins it")
  .option("--to <version>", "The release to move to (default: the newest release this tool knows)")
  .option("--yes", "Rewrite immich.version in the spec without asking; settings whose default the new line changes keep their old value in immich.config")
  .option("--accept-new-defaults", "With --yes: let the new line's defaults apply instead of pinning the old ones")
  .option(...outputOption("json"))
  .example("immich-family upgrade")
  .example("immich-family upgrade examples/family.yaml --to v3.1.0 --yes")
  .action(action(() => import("./commands/upgrade.js")));

cli
  .command("import", "Write a spec from a running server and/or an existing Compose or Kubernetes folder")
  .option("--server <url>", "A running Immich (its URL); the admin API key from IMMICH_API_KEY or --api-key-file")
  .option("--api-key-file <file>", "Read the admin API key from this file instead of IMMICH_API_KEY")
  .option("--compose <dir>", "A Compose folder: docker-compose.yml (or compose.yaml) and its .env")
  .option("--kubernetes <dir>", "A folder of Kubernetes manifests")
  .option("--out <file>", "Where to write the spec", { default: "immich-family.yaml" })
  .option("--force", "Overwrite an existing file")
  .example("IMMICH_API_KEY=... immich-family import --server https://photos.example.com --compose /srv/immich")
  .example("immich-family import --kubernetes ./manifests --out immich-family.yaml")
  .action(action(() => import("./commands/import.js")));

cli
  .command("doctor [spec]", "Check a live server: reachable, version, key permissions, users, library paths; --preflight: the deploy target instead")
  .option("--api-key-file <file>", "Read the API key from this file instead of the env var the spec names (worker.apiKey)")
  .option(
    "--preflight",
    "Check where the targets are about to be deployed (kubectl: CRDs, ingress class, issuer, storage class, namespace; Compose: docker compose v2, host paths, ports); no server needed",
  )
  .option("--target <target>", "--preflight: kubernetes or compose (default: every declared target)")
  .option("--out <dir>", "--preflight: the render's output folder, which Compose's relative host paths are relative to", { default: "rendered" })
  .option(...outputOption("json"))
  .example("IMMICH_URL=https://photos.example.com/api IMMICH_API_KEY=... immich-family doctor")
  .example("immich-family doctor --preflight --target compose --out deploy")
  .action(action(() => import("./commands/doctor.js")));

cli
  .command(
    "backup <action> [spec]",
    "Restore drill; action: verify (restore the newest backup into a scratch Postgres and check it) or check (check a restored database)",
  )
  .option("--file <path>", "verify: this backup instead of the newest in the declared folders")
  .option("--scratch-url <url>", "verify: restore into this scratch PostgreSQL instead of the Compose file's drill service (never the live one)")
  .option("--target <target>", "verify: compose or kubernetes (default: compose)")
  .option(
    "--out <dir>",
    "Compose: the render's output folder, where compose.yaml is (default: rendered); Kubernetes: where the drill's objects are rendered (default: a new temporary folder)",
  )
  .option("--apply", "verify --target kubernetes: apply with kubectl, wait, print the checks, and always remove what it applied")
  .option("--backup <name>", "verify --target kubernetes: this volume-snapshot Backup instead of the newest")
  .option("--timeout <duration>", "verify --target kubernetes: how long the restore and the checks may take, e.g. 45m (default: 1h)")
  .option("--status-file <file>", "verify: write the result and time here (JSON, or Prometheus text when it ends in .prom)")
  .option("--notify", "verify: mail a failed drill through the backup's mail settings (targets.compose.backup.notify.email)")
  .option("--sample <n>", "How many asset files to look for on disk (default: the spec's backup.drill.sample)")
  .option("--database-url <url>", `check: the restored database (better: the env var DRILL_DATABASE_URL, which keeps the password off the command line)`)
  .option("--media <dir>", "check: where the media folder is mounted (default: immich.mediaLocation, else /data)")
  .option(...outputOption("json"))
  .example("immich-family backup verify --out /srv/immich-stack")
  .example("immich-family backup verify --target kubernetes --apply")
  .example(
    "immich-family backup verify --file backups/db-backup/pgsql_immich_immich-db_20261206-033000.sql.zst.gpg --scratch-url postgres://postgres@127.0.0.1:5433/postgres",
  )
  .example("DRILL_DATABASE_URL=postgres://… immich-family backup check /etc/immich-family/spec.yaml")
  .action(action(() => import("./commands/backup.js")));

cli.help();
cli.version(VERSION);

// Commands that stop cleanly on `ctx.signal` themselves (the worker finishes its step and closes its
// server); every other command ends at once, also while it waits on standard input, a pipe or a FIFO,
// with 128 + the signal's number. A second signal ends a graceful command too.
const GRACEFUL = new Set(["worker"]);
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
for (const sig of ["SIGINT", "SIGTERM"] as const)
  process.on(sig, () => {
    const graceful = GRACEFUL.has(cli.matchedCommand?.name ?? "") && !abort.signal.aborted;
    abort.abort(new Error(sig));
    if (!graceful) process.exit(SIGNAL_EXIT[sig]);
  });

// Commands print through `processIo`, which copes with a reader that went away (`| head`). Help,
// version and the commands that also write to the process streams get the same guard; `validate`
// and `render` skip building those streams at all (cold start).
const printsOnlyThroughIo = ["validate", "render"].includes(process.argv[2] ?? "") && !process.argv.some((a) => /^(-h|--help|-v|--version)$/.test(a));
if (!printsOnlyThroughIo) guardStdStreams();

async function run(): Promise<number> {
  try {
    cli.parse(
      process.argv.map((a) => (a === "-" ? STDIN_ARG : a)),
      { run: false },
    );
    if (cli.options.help || cli.options.version) return 0;
    if (cli.matchedCommand) {
      keepOptionText([...cli.globalCommand.options, ...cli.matchedCommand.options], process.argv.slice(2), cli.options);
      checkOutput(cli.matchedCommand.options, cli.options);
    }
    if (!cli.matchedCommand) {
      if (cli.args.length > 0) throw new CliError("bad-arguments", `Unknown command: ${cli.args[0]}. Run \`immich-family --help\`.`);
      cli.outputHelp();
      return 0;
    }
    await cli.runMatchedCommand();
    return await (pending ?? Promise.resolve(0));
  } catch (error) {
    const failure = toCliError(error);
    if (failure) {
      processIo.stderr(`error: ${failure.message}`);
      for (const line of failure.details) processIo.stderr(line);
      return failure.exitCode;
    }
    processIo.stderr(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  } finally {
    // A run that ends in an error (an invalid spec, say) compiled the same code: keep it too.
    saveCodeCaches();
  }
}

void run().then((code) => {
  process.exitCode = code;
});
