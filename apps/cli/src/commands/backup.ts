import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { COMPOSE_SERVICES } from "@family/immich-compose";
import { DRILL_DATABASE_URL_ENV, durationMs, type ImmichFamilySpec, libraryImportPaths } from "@family/immich-spec";
import type { CommandContext, CommandMain, Flags } from "../_command.js";
import { CliError } from "../_errors.js";
import { loadSpecOrThrow } from "../_spec.js";
import { declaredTargets } from "../_targets.js";
import { type CheckOptions, checkDatabase, type PathRoot } from "../backup/checks.js";
import { drillBackup } from "../backup/drill.js";
import { type BackupSource, type FindResult, findNewest, givenFile } from "../backup/find-backup.js";
import { type DrilledBackup, drillReport, printReport, writeStatusFile } from "../backup/report.js";
import { composeCommand, composeServer, libpqEnv, type PgServer, urlServer } from "../backup/scratch-server.js";
import { runTool } from "../_tool.js";
import { readInside } from "../_safe-read.js";
import { parseEnvFile } from "../import/_dotenv.js";

/** The env var `backup check` (and a Kubernetes drill Job) reads the restored database's URL from. */
/** The env var naming the live database, to compare counts with, when `docker compose exec` cannot reach it. */
export const LIVE_DATABASE_URL = "LIVE_DATABASE_URL";

function positiveInt(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new CliError("bad-arguments", `${name} must be a whole number from 1, got ${String(value)}`);
  return n;
}

function urlOrThrow(url: string, what: string): string {
  try {
    libpqEnv(url);
    return url;
  } catch (error) {
    throw new CliError("bad-arguments", `${what}: ${(error as Error).message}`);
  }
}

/** A secret's value: the environment first, then the Compose folder's secrets env file (a small regular file, no link, no pipe). */
function secretValue(key: string, env: NodeJS.ProcessEnv, composeDir: string, envFile: string): string | undefined {
  if (env[key]) return env[key];
  const found = readInside(composeDir, envFile, 1024 * 1024);
  if (found.kind !== "file") return undefined;
  return parseEnvFile(found.data.toString("utf8"), (name) => env[name]).values.get(key) || undefined;
}

/** The live database named by a URL (LIVE_DATABASE_URL), for comparing counts; only ever read. */
function liveFromUrl(url: string, ctx: CommandContext): NonNullable<CheckOptions["live"]> {
  const { env: pg, database } = libpqEnv(urlOrThrow(url, LIVE_DATABASE_URL));
  const env = { ...ctx.env, ...pg, PGCONNECT_TIMEOUT: "10" };
  const server: PgServer = {
    label: "the live database",
    psql: (db, args, input) => runTool("psql", ["-X", "-q", "-d", db, ...args], { env, signal: ctx.signal, input }),
    archiveToSql: async () => ({ missing: false, code: 1, stdout: "", stderr: "the live database is never restored into" }),
  };
  return { server, database };
}

/** The Compose stack's live database service through `docker compose exec`, for comparing counts; only ever read. */
function liveServer(spec: ImmichFamilySpec, composeDir: string, envFile: string, ctx: CommandContext): CheckOptions["live"] {
  const service = spec.targets.compose?.services?.database ?? COMPOSE_SERVICES.database;
  const { user, name } = spec.database;
  const server: PgServer = {
    label: "the live database",
    psql: (db, args, input) =>
      runTool("docker", [...composeCommand(composeDir, envFile), "exec", "-T", service, "psql", "-X", "-q", "-U", user, "-d", db, ...args], {
        env: ctx.env,
        signal: ctx.signal,
        input,
      }),
    archiveToSql: async () => ({ missing: false, code: 1, stdout: "", stderr: "the live database is never restored into" }),
  };
  return { server, database: name };
}

interface Source {
  readonly source: BackupSource | "given";
  readonly where: string;
  readonly find: () => Promise<FindResult>;
  readonly missingFix: string;
  readonly checksumRequired: boolean;
}

function sources(spec: ImmichFamilySpec, composeDir: string, file: string | undefined, cwd: string): Source[] {
  if (file !== undefined) {
    return [{ source: "given", where: file, find: () => givenFile(resolve(cwd, file)), missingFix: "check the path given to --file", checksumRequired: false }];
  }
  const compose = spec.targets.compose;
  if (!compose) return [];
  const out: Source[] = [];
  if (compose.backup.enabled) {
    out.push({
      source: "db-backup",
      where: compose.paths.backups,
      find: () => findNewest(resolve(composeDir, compose.paths.backups), "db-backup", compose.paths.backups),
      missingFix: `check targets.compose.paths.backups and --out (the folder compose.yaml is in), then take a backup: docker compose run --rm --no-deps ${COMPOSE_SERVICES.backup}`,
      checksumRequired: true,
    });
  }
  // Immich backs itself up only when its database role may (database.superuser) and the config leaves it on.
  const immichConfig = spec.immich.config as { backup?: { database?: { enabled?: unknown } } } | undefined;
  if (spec.database.superuser && immichConfig?.backup?.database?.enabled !== false) {
    const folder = `${compose.paths.media.replace(/\/+$/, "")}/backups`;
    out.push({
      source: "immich",
      where: folder,
      find: () => findNewest(resolve(composeDir, folder), "immich", folder),
      missingFix:
        "Immich writes its own backups nightly (Administration > Settings > Backup); check that it is on and that targets.compose.paths.media is the media folder",
      checksumRequired: false,
    });
  }
  return out;
}

/** Start the rendered Compose file's drill service and wait until it takes connections. */
async function startDrillService(composeDir: string, envFile: string, ctx: CommandContext): Promise<void> {
  const r = await runTool(
    "docker",
    [...composeCommand(composeDir, envFile), "--profile", "drill", "up", "--detach", "--wait", "--no-deps", COMPOSE_SERVICES.drill],
    { env: ctx.env, signal: ctx.signal },
  );
  if (r.missing)
    throw new CliError(
      "bad-arguments",
      "docker is not installed: install Docker with the compose plugin, or restore into a scratch server you name with --scratch-url",
    );
  if (r.code !== 0) {
    throw new CliError("check-failed", `Could not start ${COMPOSE_SERVICES.drill} in ${composeDir}: ${r.stderr.trim().split("\n").pop() ?? ""}`, {
      details: [
        "hint: render the Compose folder with this version (the service is under the drill profile), and pass --out with the folder compose.yaml is in",
      ],
    });
  }
}

async function stopDrillService(composeDir: string, envFile: string, env: NodeJS.ProcessEnv): Promise<void> {
  await runTool("docker", [...composeCommand(composeDir, envFile), "--profile", "drill", "rm", "--stop", "--force", "--volumes", COMPOSE_SERVICES.drill], {
    env,
  });
}

/** What a Compose drill reads from the spec and the flags before it starts anything. */
function composeDrillInputs(ctx: CommandContext, spec: ImmichFamilySpec, flags: Flags) {
  const compose = spec.targets.compose;
  if (!compose && flags.file === undefined) {
    throw new CliError(
      "bad-arguments",
      `The spec declares no compose target (it declares: ${declaredTargets(spec).join(", ")}). Use --target kubernetes, or name a backup with --file.`,
    );
  }
  const several = declaredTargets(spec).length > 1;
  // Compose: the render's folder, "rendered" as for render (Kubernetes: a new temporary folder).
  const out = String(flags.out ?? "rendered");
  const composeDir = resolve(ctx.cwd, several ? join(out, "compose") : out);
  const drillSpec = compose?.backup.drill;
  const passphraseKey = compose?.backup.passphrase.key ?? "DB_ENC_PASSPHRASE";
  const envFile = compose?.envFile ?? ".env";
  const libraries: PathRoot[] = Object.entries(spec.libraries).flatMap(([h, lib]) => {
    const source = compose?.libraries[h];
    // One bind per import root (targets.compose.libraries.<h>.roots): each root is found on its own host folder.
    if (source && "roots" in source) return Object.entries(source.roots).map(([root, host]) => ({ inDatabase: root, onDisk: resolve(composeDir, host) }));
    const host = source?.hostPath;
    return host ? [{ inDatabase: lib.path, onDisk: resolve(composeDir, host) }] : libraryImportPaths(lib).map((p) => ({ inDatabase: p, onDisk: p }));
  });
  const mail = flags.notify === true ? compose?.backup.notify?.email : undefined;
  if (flags.notify === true && !mail)
    throw new CliError("bad-arguments", "--notify mails through targets.compose.backup.notify.email, which the spec does not set");
  return {
    compose,
    composeDir,
    envFile,
    drillSpec,
    passphraseKey,
    passphrase: secretValue(passphraseKey, ctx.env, composeDir, envFile),
    sample: positiveInt(flags.sample, "--sample", drillSpec?.sample ?? 20),
    scratchUrl: flags.scratchUrl === undefined ? undefined : urlOrThrow(String(flags.scratchUrl), "--scratch-url"),
    statusFile: flags.statusFile === undefined ? undefined : resolve(ctx.cwd, String(flags.statusFile)),
    libraries,
    media: compose ? resolve(composeDir, compose.paths.media) : undefined,
    mail,
  };
}

type ComposeDrill = ReturnType<typeof composeDrillInputs> & { readonly spec: ImmichFamilySpec; readonly ctx: CommandContext };

/** Drill each declared backup source (or the --file) in turn on `server`, each in a scratch folder of its own. */
async function drillSources(d: ComposeDrill, file: string | undefined, scratch: string, server: PgServer, maintenance: string): Promise<DrilledBackup[]> {
  const { ctx, spec, drillSpec } = d;
  // With --scratch-url (no Docker, or a test) the live database is compared only when LIVE_DATABASE_URL names it.
  const live = ctx.env[LIVE_DATABASE_URL]
    ? liveFromUrl(ctx.env[LIVE_DATABASE_URL], ctx)
    : d.compose && !d.scratchUrl
      ? liveServer(spec, d.composeDir, d.envFile, ctx)
      : undefined;
  const drilled: DrilledBackup[] = [];
  for (const s of sources(spec, d.composeDir, file, ctx.cwd)) {
    const dir = await mkdtemp(join(scratch, `${s.source}-`));
    const { backup, checks } = await drillBackup({
      spec,
      found: await s.find(),
      where: s.where,
      missingFix: s.missingFix,
      scratch: dir,
      server,
      maintenance,
      passphrase: d.passphrase,
      passphraseName: d.passphraseKey,
      maxAgeMs: s.source === "given" || !drillSpec ? undefined : durationMs(drillSpec.maxAge),
      maxAgeText: drillSpec?.maxAge,
      checksumRequired: s.checksumRequired,
      libraries: d.libraries,
      media: d.media,
      sample: d.sample,
      live,
      now: Date.now(),
      env: ctx.env,
      signal: ctx.signal,
    });
    drilled.push({ source: s.source, where: s.where, file: backup?.name, checks });
    await rm(dir, { recursive: true, force: true });
  }
  return drilled;
}

/** Print the report, write the status file, mail a failure; the exit code. */
async function reportDrill(d: ComposeDrill, flags: Flags, drilled: readonly DrilledBackup[]): Promise<number> {
  const { ctx, spec, compose } = d;
  if (ctx.signal.aborted) throw new CliError("check-failed", "Stopped before the drill finished; its scratch database and temporary folder are removed.");
  if (drilled.length === 0)
    throw new CliError("bad-arguments", "Nothing to verify: the spec turns off both the nightly backup and Immich's own. Name a backup with --file.");
  const report = drillReport(drilled, new Date());
  printReport(ctx.io, flags.output, report);
  if (d.statusFile) await writeStatusFile(d.statusFile, report);
  if (d.mail && !report.ok) {
    const { mailFailedDrill } = await import("../backup/notify.js");
    const secret = (key: string) => secretValue(key, ctx.env, d.composeDir, d.envFile);
    ctx.io.stderr(await mailFailedDrill(d.mail, compose?.projectName ?? spec.metadata.name, report, secret));
  }
  return report.ok ? 0 : 1;
}

/** `backup verify` on Compose: the scratch server (the drill service, or --scratch-url), every source drilled, the report; the service and the scratch folder removed after. */
async function verifyCompose(ctx: CommandContext, path: string | undefined, flags: Flags): Promise<number> {
  const { spec } = await loadSpecOrThrow(ctx.cwd, path);
  const d: ComposeDrill = { ...composeDrillInputs(ctx, spec, flags), spec, ctx };
  const scratch = await mkdtemp(join(tmpdir(), "immich-family-drill-"));
  let started = false;
  try {
    let server: PgServer;
    let maintenance: string;
    if (d.scratchUrl) {
      ({ server, maintenance } = await urlServer(d.scratchUrl, ctx.env, ctx.signal));
    } else {
      await startDrillService(d.composeDir, d.envFile, ctx);
      started = true;
      server = composeServer(d.composeDir, d.envFile, COMPOSE_SERVICES.drill, ctx.env, ctx.signal);
      maintenance = "postgres";
    }
    const drilled = await drillSources(d, flags.file === undefined ? undefined : String(flags.file), scratch, server, maintenance);
    return await reportDrill(d, flags, drilled);
  } finally {
    if (started) await stopDrillService(d.composeDir, d.envFile, ctx.env);
    await rm(scratch, { recursive: true, force: true });
  }
}

async function verify(ctx: CommandContext, path: string | undefined, flags: Flags): Promise<number> {
  const target = flags.target ?? "compose";
  if (target === "kubernetes") {
    const { verifyKubernetesBackup } = await import("../backup/kubernetes.js");
    return verifyKubernetesBackup(ctx, path, {
      out: flags.out === undefined ? undefined : String(flags.out),
      apply: flags.apply === true,
      backup: flags.backup === undefined ? undefined : String(flags.backup),
      timeout: flags.timeout === undefined ? undefined : String(flags.timeout),
      output: String(flags.output ?? "text"),
    });
  }
  if (target !== "compose") throw new CliError("bad-arguments", `--target must be compose or kubernetes, got ${String(target)}`);
  return verifyCompose(ctx, path, flags);
}

async function check(ctx: CommandContext, path: string | undefined, flags: Flags): Promise<number> {
  const raw = flags.databaseUrl === undefined ? ctx.env[DRILL_DATABASE_URL_ENV] : String(flags.databaseUrl);
  if (!raw) throw new CliError("bad-arguments", `backup check needs the restored database: set ${DRILL_DATABASE_URL_ENV} (or pass --database-url)`);
  const url = urlOrThrow(raw, flags.databaseUrl === undefined ? DRILL_DATABASE_URL_ENV : "--database-url");
  const { spec } = await loadSpecOrThrow(ctx.cwd, path);
  const sample = positiveInt(flags.sample, "--sample", spec.targets.compose?.backup.drill.sample ?? 20);
  const { server, maintenance } = await urlServer(url, ctx.env, ctx.signal);
  const media = flags.media === undefined ? (spec.immich.mediaLocation ?? "/data") : resolve(ctx.cwd, String(flags.media));
  const libraries = Object.values(spec.libraries).flatMap((lib) => libraryImportPaths(lib).map((p) => ({ inDatabase: p, onDisk: p })));
  const liveUrl = ctx.env[LIVE_DATABASE_URL];
  let checks: Awaited<ReturnType<typeof checkDatabase>>;
  try {
    checks = await checkDatabase(server, maintenance, { spec, libraries, media, sample, live: liveUrl ? liveFromUrl(liveUrl, ctx) : undefined });
  } catch (error) {
    checks = [
      {
        check: "database",
        status: "fail",
        detail: `cannot read ${server.label}: ${(error as Error).message}`,
        fix: `check ${DRILL_DATABASE_URL_ENV}: the restored database must be up and reachable`,
      },
    ];
  }
  const report = drillReport([{ source: "database", where: server.label, file: undefined, checks }], new Date());
  printReport(ctx.io, flags.output, report);
  return report.ok ? 0 : 1;
}

/** `immich-family backup verify|check`: restore the newest backup into a scratch Postgres and check it, or check a restored database. */
export const main: CommandMain = async (ctx, [action, path], flags) => {
  if (action === "verify") return verify(ctx, path, flags);
  if (action === "check") return check(ctx, path, flags);
  throw new CliError("bad-arguments", `backup takes verify or check, got ${String(action)}. Run \`immich-family backup --help\`.`);
};
