import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import {
  type DrillNames,
  type DrillSnapshots,
  isRestoreDrillFile,
  maxBackupAge,
  objectNames,
  RESTORE_DRILL_FILES,
  renderRestoreDrill,
} from "@family/immich-k8s";
import { durationMs, escapeControl, type ImmichFamilySpec, type KubernetesTarget, type RenderedFile } from "@family/immich-spec";
import type { CommandContext } from "../_command.js";
import { CliError } from "../_errors.js";
import { LOCK_FILE, lockFolder } from "../_folder-lock.js";
import { applyPlan, type FolderPlan, identityOf, planFolder, RECORD_FILE } from "../_owned-folder.js";
import { loadSpecOrThrow, STDIN } from "../_spec.js";
import { kubectlReason } from "../preflight/kubernetes.js";
import { runTool, type ToolResult } from "../preflight/tool.js";

/** What `backup verify --target kubernetes` takes from its flags. */
export interface KubernetesDrillFlags {
  /** The folder the drill's objects are rendered into. @default a new temporary folder */
  readonly out?: string | undefined;
  /** Apply the drill with kubectl, wait for it, print its checks, and remove it again. */
  readonly apply: boolean;
  /** A volume-snapshot `Backup` to restore instead of the newest one. */
  readonly backup?: string | undefined;
  /** How long the restore and the checks may take together, e.g. `45m`. @default 1h */
  readonly timeout?: string | undefined;
}

/** How often the drill asks the cluster, and what time it is (tests set both). */
export interface DrillTiming {
  /** Milliseconds between two looks at the Cluster or the Job. @default 5000 */
  readonly pollMs?: number | undefined;
  /** The clock the age of the newest backup is measured with. @default Date.now */
  readonly now?: (() => number) | undefined;
}

const DEFAULT_TIMEOUT = "1h";
/** How long one kubectl call may take, and the removal at the end. */
const KUBECTL_CALL_MS = 60_000;
const CLEANUP_MS = 5 * 60_000;
const CNPG = "cluster.postgresql.cnpg.io";
const BACKUPS = "backups.postgresql.cnpg.io";
/** A Kubernetes object name (DNS subdomain). */
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** A CloudNativePG `Backup`, as far as the drill reads it. */
interface BackupObject {
  readonly metadata?: { readonly name?: string; readonly creationTimestamp?: string };
  readonly spec?: { readonly cluster?: { readonly name?: string }; readonly method?: string };
  readonly status?: {
    readonly phase?: string;
    readonly stoppedAt?: string;
    readonly backupSnapshotStatus?: { readonly elements?: readonly { readonly name?: string; readonly type?: string }[] };
  };
}

/** A Kubernetes condition, as `status.conditions` lists them. */
interface Condition {
  readonly type?: string;
  readonly status?: string;
  readonly reason?: string;
  readonly message?: string;
}

/**
 * `immich-family backup verify --target kubernetes`: render the restore drill (a recovery Cluster from
 * the newest backup, fenced from the live one, and a Job running `backup check`) into `flags.out`, or a
 * new temporary folder. With `apply`: apply it with kubectl, wait for the Cluster and the Job within the
 * timeout, print the Job's check lines, and always remove what it applied: on success, on failure, on
 * a timeout and when interrupted. 0 when every check passed; 1 when one failed or the drill could not
 * run; 2 for bad input.
 */
export async function verifyKubernetesBackup(
  ctx: CommandContext,
  specPath: string | undefined,
  flags: KubernetesDrillFlags,
  options: DrillTiming = {},
): Promise<number> {
  const { io } = ctx;
  const { file, spec } = await loadSpecOrThrow(ctx.cwd, specPath);
  const target = spec.targets.kubernetes;
  if (!target) {
    throw new CliError(
      "bad-arguments",
      `${specPath ?? "immich-family.yaml"} declares no targets.kubernetes: the Kubernetes drill restores its CloudNativePG backups. For Compose, leave out --target kubernetes.`,
    );
  }
  const method = target.database.backup?.method;
  if (!method) {
    throw new CliError(
      "bad-arguments",
      "targets.kubernetes.database.backup is not set: the database takes no backups, so there is nothing to restore. Declare a schedule (and a method), render and apply, and drill once a backup has completed.",
    );
  }
  const timeoutMs = parseTimeout(flags.timeout);
  if (flags.backup !== undefined) {
    if (method !== "volumeSnapshot") {
      throw new CliError(
        "bad-arguments",
        "--backup names a volume-snapshot Backup, but the spec backs up through a plugin, which restores the newest backup in its object store. Leave out --backup.",
      );
    }
    if (!OBJECT_NAME.test(flags.backup)) {
      throw new CliError(
        "bad-arguments",
        `--backup must be the name of a Backup, e.g. ${objectNames(spec, target).cluster}-backup-20261205030000; got ${JSON.stringify(flags.backup)}`,
      );
    }
  }

  const kubectl = (args: readonly string[], signal?: AbortSignal, ms = KUBECTL_CALL_MS) => runTool("kubectl", args, ctx.env, ms, signal);
  const ns = target.namespace;
  // The newest Backup is looked up whenever kubectl is needed anyway: a plugin drill rendered only needs no cluster.
  const lookUp = flags.apply || method === "volumeSnapshot";
  if (lookUp) await reachNamespace(kubectl, ns, flags.apply);
  const found = lookUp ? await findBackup(kubectl, spec, target, flags.backup, (options.now ?? Date.now)()) : undefined;
  if (typeof found === "string") {
    io.stdout(found);
    return 1;
  }
  const snapshots = found?.snapshots;

  const { files, names } = renderRestoreDrill(spec, { snapshots, activeDeadlineSeconds: Math.max(1, Math.ceil(timeoutMs / 1000)) });
  if (flags.apply) await refuseLeftovers(kubectl, ns, names);
  const scratch = flags.out === undefined;
  const shown = flags.out ?? mkdtempSync(join(tmpdir(), "immich-family-drill-"));
  const dir = resolve(ctx.cwd, shown);
  writeDrillFolder(dir, shown, files, file);
  const finished = found?.finished ? ` (finished ${escapeControl(found.finished)})` : "";
  const restoring = snapshots
    ? `the Backup ${found?.backup}${finished}`
    : `the newest backup in the object store of ${target.database.backup?.pluginName ?? "the backup plugin"}${found ? `, at least ${found.backup}${finished}` : ""}`;
  // kubectl gets absolute paths (it runs in this process's folder, not the command's); the user sees them as named.
  const clusterFile = join(dir, RESTORE_DRILL_FILES.cluster);
  const checkFile = join(dir, RESTORE_DRILL_FILES.check);
  const display = (file: string) => join(shown, basename(file));

  if (!flags.apply) {
    io.stdout(
      `Rendered the restore drill into ${escapeControl(shown)}: a Cluster ${names.cluster} restoring ${restoring}, and a Job ${names.job} that checks it.`,
    );
    io.stdout(
      [
        "Run it (or run this command again with --apply, which does all of it and removes the drill afterwards):",
        `  kubectl apply -f ${word(display(clusterFile))}`,
        `  kubectl -n ${ns} wait ${CNPG}/${names.cluster} --for=condition=Ready --timeout=${flags.timeout ?? DEFAULT_TIMEOUT}`,
        `  kubectl apply -f ${word(display(checkFile))}`,
        `  kubectl -n ${ns} wait job/${names.job} --for=condition=Complete --timeout=${flags.timeout ?? DEFAULT_TIMEOUT}`,
        `  kubectl -n ${ns} logs job/${names.job}`,
        `  kubectl delete -k ${word(shown)}`,
      ].join("\n"),
    );
    return 0;
  }

  const deadline = Date.now() + timeoutMs;
  const toApply = [clusterFile];
  let result: number;
  try {
    io.stderr(`drill: restoring ${restoring} into the Cluster ${names.cluster} (namespace ${ns}); everything is removed again at the end`);
    result = await runDrill({
      ctx,
      kubectl,
      ns,
      names,
      clusterFile,
      checkFile,
      folder: shown,
      display,
      toApply,
      deadline,
      timeout: flags.timeout ?? DEFAULT_TIMEOUT,
      pollMs: options.pollMs ?? 5000,
    });
  } finally {
    const removed = await kubectl(
      ["delete", ...[...toApply].reverse().flatMap((f) => ["-f", f]), "--ignore-not-found", "--wait=true", `--timeout=${CLEANUP_MS / 1000}s`],
      undefined,
      CLEANUP_MS + 30_000,
    );
    if (removed.found && removed.code === 0) {
      io.stderr(`drill: removed the drill's objects (${names.cluster}, its volumes, ${names.job} and their policies)`);
      if (scratch) rmSync(dir, { recursive: true, force: true });
    } else {
      const reason = removed.found ? kubectlReason(removed.stderr) || `kubectl exited with ${removed.code}` : "kubectl is gone";
      io.stderr(`drill: could not remove the drill's objects (${escapeControl(reason)}). Remove them with: kubectl delete -k ${word(shown)}`);
      result = 1;
    }
  }
  return result;
}

interface DrillRun {
  readonly ctx: CommandContext;
  readonly kubectl: (args: readonly string[], signal?: AbortSignal) => Promise<ToolResult>;
  readonly ns: string;
  readonly names: DrillNames;
  readonly clusterFile: string;
  readonly checkFile: string;
  /** The drill's folder as the user named it, for messages. */
  readonly folder: string;
  /** A drill file as the user named its folder, for messages. */
  readonly display: (file: string) => string;
  /** The files applied so far (or being applied): what the cleanup removes. */
  readonly toApply: string[];
  readonly deadline: number;
  readonly timeout: string;
  readonly pollMs: number;
}

/** Apply, wait and report; the caller removes what `toApply` lists, whatever happens here. */
async function runDrill(run: DrillRun): Promise<number> {
  const { ctx, kubectl, ns, names } = run;
  const { io, signal } = ctx;
  const interrupted = () => {
    io.stderr(`drill: interrupted; removing the drill's objects (interrupting again leaves them: then run kubectl delete -k ${word(run.folder)})`);
    return 1;
  };

  const apply = async (file: string) => {
    const r = await kubectl(["apply", "-f", file], signal);
    if (signal.aborted) return false;
    if (!r.found || r.code !== 0)
      throw new CliError(
        "server-error",
        `kubectl apply -f ${word(run.display(file))} failed: ${escapeControl(r.found ? kubectlReason(r.stderr) : "kubectl is gone")}`,
      );
    return true;
  };

  if (!(await apply(run.clusterFile))) return interrupted();
  let phase = "";
  const cluster = await waitFor(run, ["get", CNPG, names.cluster], (o) => {
    const status = (o as { status?: { phase?: string; conditions?: Condition[] } }).status;
    if (status?.phase && status.phase !== phase) {
      phase = status.phase;
      io.stderr(`drill: Cluster ${names.cluster}: ${escapeControl(phase)}`);
    }
    return status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ? "done" : undefined;
  });
  if (cluster === "aborted") return interrupted();
  if (cluster === "timeout") {
    io.stdout(
      `FAIL restore: the Cluster ${names.cluster} was not ready after ${run.timeout}${phase ? ` (last: ${escapeControl(phase)})` : ""}. Fix: check the backup and the operator's log, or run the drill by hand without --apply (--out DIR) and look with kubectl -n ${ns} describe ${CNPG}/${names.cluster}; a big database needs a longer --timeout.`,
    );
    return 1;
  }
  io.stdout(`PASS restore: the Cluster ${names.cluster} is ready`);

  run.toApply.push(run.checkFile);
  if (!(await apply(run.checkFile))) return interrupted();
  const job = await waitFor(run, ["get", "job", names.job], (o) => {
    const conditions = (o as { status?: { conditions?: Condition[] } }).status?.conditions ?? [];
    const failed = conditions.find((c) => c.type === "Failed" && c.status === "True");
    if (failed) return failed.reason === "DeadlineExceeded" ? "deadline" : "failed";
    return conditions.some((c) => c.type === "Complete" && c.status === "True") ? "done" : undefined;
  });
  if (job === "aborted") return interrupted();
  const logs = await kubectl(["-n", ns, "logs", `job/${names.job}`], signal);
  if (signal.aborted) return interrupted();
  if (logs.found && logs.code === 0) for (const line of logs.stdout.split("\n").filter((l) => l.trim() !== "")) io.stdout(escapeControl(line));
  else io.stderr(`drill: could not read the checks' log: ${escapeControl(logs.found ? kubectlReason(logs.stderr) : "kubectl is gone")}`);
  if (job === "done") return 0;
  if (job === "failed") {
    io.stdout(`FAIL checks: the Job ${names.job} failed; the lines above say which check and how to fix it.`);
    return 1;
  }
  const stuck = await podTrouble(run);
  io.stdout(
    stuck
      ? `FAIL checks: the Job ${names.job} did not finish within ${run.timeout}: its pod is ${stuck}. Fix: the Job runs on the server's node to read the upload volume: is the server running, and can its node take one more pod?`
      : `FAIL checks: the Job ${names.job} did not finish within ${run.timeout}. Fix: a big library needs a longer --timeout.`,
  );
  return 1;
}

/** Why the Job's pod never ran, when it did not: `Pending (Unschedulable: …)` or a container waiting; `undefined` when it ran. */
async function podTrouble(run: DrillRun): Promise<string | undefined> {
  const r = await run.kubectl(["-n", run.ns, "get", "pods", "-l", `job-name=${run.names.job}`, "-o", "json"]);
  if (!r.found || r.code !== 0) return undefined;
  type Pod = {
    status?: {
      phase?: string;
      conditions?: Condition[];
      containerStatuses?: { state?: { waiting?: { reason?: string; message?: string } } }[];
    };
  };
  let pod: Pod | undefined;
  try {
    pod = ((JSON.parse(r.stdout) as { items?: Pod[] }).items ?? [])[0];
  } catch {
    return undefined;
  }
  const waiting = pod?.status?.containerStatuses?.find((c) => c.state?.waiting)?.state?.waiting;
  const unscheduled = pod?.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
  const why = unscheduled
    ? `${unscheduled.reason ?? "not scheduled"}: ${unscheduled.message ?? ""}`
    : waiting
      ? `${waiting.reason ?? "waiting"}: ${waiting.message ?? ""}`
      : undefined;
  if (!why || pod?.status?.phase !== "Pending") return undefined;
  return `Pending (${escapeControl(why.replace(/: $/, "").slice(0, 300))})`;
}

/**
 * Poll `kubectl -n ns <args> -o json` until `done` says so, the deadline passes or the run is
 * interrupted. A failed look (the API server restarting) is retried until the deadline.
 */
async function waitFor<T extends string>(run: DrillRun, args: readonly string[], done: (object: unknown) => T | undefined): Promise<T | "timeout" | "aborted"> {
  const { signal } = run.ctx;
  for (;;) {
    if (signal.aborted) return "aborted";
    const r = await run.kubectl(["-n", run.ns, ...args, "-o", "json"], signal);
    if (signal.aborted) return "aborted";
    if (r.found && r.code === 0) {
      try {
        const verdict = done(JSON.parse(r.stdout));
        if (verdict !== undefined) return verdict;
      } catch {
        // Not JSON: look again.
      }
    }
    if (Date.now() + run.pollMs > run.deadline) return "timeout";
    await sleep(run.pollMs, signal);
  }
}

/** `text` as one word a POSIX shell reads back as it is (control characters escaped first), for a command the user copies. */
function word(text: string): string {
  const shown = escapeControl(text);
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(shown) ? shown : `'${shown.replaceAll("'", `'\\''`)}'`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolvePromise) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolvePromise();
    }
  });
}

function parseTimeout(timeout: string | undefined): number {
  try {
    const ms = durationMs(timeout ?? DEFAULT_TIMEOUT);
    if (ms > 0) return ms;
  } catch {
    // Said below.
  }
  throw new CliError("bad-arguments", `--timeout must be a duration such as 30m, 2h or 90s; got ${JSON.stringify(timeout)}`);
}

/**
 * Write the drill's files into its folder under render's ownership rules and lock: only the drill's
 * closed set of files, never the spec, nothing over a file it did not write. A folder whose record
 * lists other files belongs to another render (the Kubernetes folder): refused, as a whole.
 */
function writeDrillFolder(dir: string, shown: string, files: readonly RenderedFile[], specFile: string): void {
  const spec = specFile === STDIN ? undefined : identityOf(specFile);
  const plan = (locked: boolean) => planFolder(dir, shown, files, { canWrite: isRestoreDrillFile, protect: spec ? [spec] : [], locked });
  const refuse = (p: FolderPlan) => {
    const refusals = [
      ...p.refusals.map((r) => r.message),
      ...(p.notes.length > 0
        ? [
            `${p.shown} holds another render: its ${RECORD_FILE} lists files the drill never writes. The drill needs a folder of its own: pick another --out, or leave it out for a temporary one.`,
          ]
        : []),
    ];
    if (refusals.length > 0)
      throw new CliError("conflict", `backup verify stopped before writing anything into ${p.shown}`, { details: refusals.map((r) => `  ${r}`) });
  };
  refuse(plan(false));
  const lock = lockFolder(dir, escapeControl(shown), (name) => name === RECORD_FILE || name === LOCK_FILE || isRestoreDrillFile(name));
  try {
    const locked = plan(true);
    refuse(locked);
    applyPlan(locked);
  } finally {
    lock.release();
  }
}

/** Objects of the drill's names that this run did not create are someone else's: refuse before writing anything, and delete nothing. */
async function refuseLeftovers(kubectl: (args: readonly string[]) => Promise<ToolResult>, ns: string, names: DrillNames): Promise<void> {
  const objects = [
    `networkpolicy/${names.networkPolicy("database")}`,
    `networkpolicy/${names.networkPolicy("check")}`,
    `${CNPG}/${names.cluster}`,
    `configmap/${names.spec}`,
    `job/${names.job}`,
  ];
  const r = await kubectl(["-n", ns, "get", ...objects, "--ignore-not-found", "-o", "name"]);
  const found = r.found && r.code === 0 ? r.stdout.split("\n").filter((l) => l.trim() !== "") : [];
  if (found.length === 0) return;
  throw new CliError(
    "conflict",
    `the restore drill's objects already exist in the namespace ${ns}, left by an earlier drill or made by hand; this run did not touch them`,
    {
      details: [
        ...found.map((l) => `  ${escapeControl(l)}`),
        `If they are an old drill's, remove them first: kubectl -n ${ns} delete ${found.map(escapeControl).join(" ")}`,
      ],
    },
  );
}

/** That kubectl is there and reaches the cluster, and that the namespace exists. */
async function reachNamespace(kubectl: (args: readonly string[]) => Promise<ToolResult>, ns: string, applying: boolean): Promise<void> {
  const r = await kubectl(["get", "namespace", ns, "-o", "name"]);
  if (!r.found) {
    throw new CliError(
      "server-unreachable",
      applying
        ? "kubectl was not found on the PATH: the drill applies its objects with it. Install kubectl (1.24 or newer) pointed at the cluster, or leave out --apply to only render the drill."
        : "kubectl was not found on the PATH: it finds the newest volume-snapshot Backup in the cluster. Install kubectl (1.24 or newer) pointed at the cluster.",
    );
  }
  if (r.code !== 0) {
    const reason = escapeControl(kubectlReason(r.stderr) || `kubectl exited with ${r.code}`);
    if (/NotFound|not found/i.test(r.stderr))
      throw new CliError(
        "bad-arguments",
        `The namespace ${ns} does not exist in the cluster kubectl points at: is this the install's cluster (kubectl config current-context)?`,
      );
    throw new CliError("server-unreachable", `kubectl cannot reach the cluster: ${reason}`);
  }
}

/** An age in whole hours, or whole days from three days on. */
function age(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  return hours < 72 ? `${hours} h` : `${Math.floor(hours / 24)} d`;
}

/**
 * The Backup `name`, or the newest completed Backup of the live cluster by the spec's method (with
 * its data snapshot for volume snapshots), and when it finished; a FAIL line when there is none, or
 * when the newest is older than the schedule allows (the backups stopped).
 */
async function findBackup(
  kubectl: (args: readonly string[]) => Promise<ToolResult>,
  spec: ImmichFamilySpec,
  target: KubernetesTarget,
  name: string | undefined,
  now: number,
): Promise<{ backup: string; snapshots: DrillSnapshots | undefined; finished: string | undefined } | string> {
  const ns = target.namespace;
  const live = objectNames(spec, target).cluster;
  const schedule = target.database.backup;
  const method = schedule?.method ?? "volumeSnapshot";
  const r = await kubectl(["-n", ns, "get", BACKUPS, ...(name ? [name] : []), "-o", "json"]);
  if (!r.found || r.code !== 0) {
    const reason = r.found ? kubectlReason(r.stderr) : "kubectl is gone";
    if (name && r.found && /NotFound|not found/i.test(r.stderr))
      throw new CliError("bad-arguments", `There is no Backup ${name} in the namespace ${ns}: \`kubectl -n ${ns} get ${BACKUPS}\` lists them.`);
    throw new CliError("server-unreachable", `kubectl could not list the Backups in ${ns}: ${escapeControl(reason)}`);
  }
  let items: BackupObject[];
  try {
    const parsed = JSON.parse(r.stdout) as { items?: unknown };
    items = (name ? [parsed] : Array.isArray(parsed.items) ? parsed.items : []) as BackupObject[];
  } catch {
    throw new CliError("server-error", "kubectl printed Backups that are not JSON");
  }
  const usable = (b: BackupObject): string | undefined => {
    if (!OBJECT_NAME.test(b.metadata?.name ?? "")) return "its name is not a Kubernetes object name";
    if (b.spec?.cluster?.name !== live) return `it is a backup of ${b.spec?.cluster?.name ?? "no cluster"}, not of ${live}`;
    if (b.spec?.method !== method) return `its method is ${b.spec?.method ?? "unset"}, not ${method}`;
    if (b.status?.phase !== "completed") return `it is ${b.status?.phase ?? "not started"}, not completed`;
    if (method !== "volumeSnapshot") return undefined;
    const elements = b.status.backupSnapshotStatus?.elements ?? [];
    if (!elements.some((e) => e.type === "PG_DATA" && OBJECT_NAME.test(e.name ?? ""))) return "it lists no data-volume snapshot";
    if (elements.some((e) => e.type !== "PG_DATA"))
      return "it has WAL or tablespace volumes, which the rendered Cluster does not; drill a backup taken since the switch to the rendered Cluster";
    return undefined;
  };
  const when = (b: BackupObject) => b.status?.stoppedAt ?? b.metadata?.creationTimestamp ?? "";
  if (name) {
    const why = items[0] ? usable(items[0]) : "kubectl printed nothing";
    if (why) throw new CliError("bad-arguments", `The Backup ${name} cannot be drilled: ${escapeControl(why)}.`);
  }
  const newest = items
    .filter((b) => usable(b) === undefined)
    .sort((a, b) => when(b).localeCompare(when(a)))
    .at(0);
  const data = method === "volumeSnapshot" ? newest?.status?.backupSnapshotStatus?.elements?.find((e) => e.type === "PG_DATA")?.name : undefined;
  const kind = method === "volumeSnapshot" ? "volume-snapshot" : "plugin";
  if (!newest?.metadata?.name || (method === "volumeSnapshot" && !data)) {
    return `FAIL backup: no completed ${kind} Backup of the Cluster ${live} in the namespace ${ns}, so there is nothing to restore. Fix: \`kubectl -n ${ns} get ${BACKUPS}\` shows what ran and why it failed; check the ScheduledBackup ${live}-backup${method === "volumeSnapshot" ? " and the VolumeSnapshotClass" : ` and the plugin ${schedule?.pluginName ?? ""}`}.`;
  }
  const finished = newest.status?.stoppedAt;
  const limit = schedule ? maxBackupAge(schedule.schedule) : undefined;
  const finishedMs = finished ? Date.parse(finished) : Number.NaN;
  if (!name && limit && Number.isFinite(finishedMs) && now - finishedMs > limit.ms) {
    return `FAIL backup: the newest completed Backup, ${newest.metadata.name}, finished ${escapeControl(finished ?? "")} (${age(now - finishedMs)} ago), but the schedule '${schedule?.schedule}' takes one every ${limit.every}: the backups stopped. Fix: \`kubectl -n ${ns} describe scheduledbackup ${live}-backup\` and the operator's log say why; drill this one anyway with --backup ${newest.metadata.name}.`;
  }
  return { backup: newest.metadata.name, snapshots: data ? { backup: newest.metadata.name, storage: data } : undefined, finished };
}
