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
import { type CheckResult, durationMs, escapeControl, type ImmichFamilySpec, type KubernetesTarget, type RenderedFile } from "@family/immich-spec";
import type { CommandContext } from "../_command.js";
import { CliError } from "../_errors.js";
import { LOCK_FILE, lockFolder } from "../_folder-lock.js";
import { applyPlan, type FolderPlan, identityOf, planFolder, RECORD_FILE } from "../_owned-folder.js";
import { loadSpecOrThrow, STDIN } from "../_spec.js";
import { kubectlReason } from "../preflight/kubernetes.js";
import { runTool, type ToolResult } from "../_tool.js";
import { drillReport, printReport } from "./report.js";

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
  /** `json`: the drill's report as JSON on stdout, the check Job's log on stderr. @default text */
  readonly output?: string | undefined;
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

type Kubectl = (args: readonly string[], signal?: AbortSignal, ms?: number) => Promise<ToolResult>;

/** The Backup found to restore, and how it is shown. */
interface Found {
  readonly backup: string;
  readonly snapshots: DrillSnapshots | undefined;
  readonly finished: string | undefined;
}

/** What the flags and the spec must say before anything is asked of the cluster: the target, its backup method, the timeout. */
function drillInputs(spec: ImmichFamilySpec, specPath: string | undefined, flags: KubernetesDrillFlags) {
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
  if (flags.backup === undefined) return { target, method, timeoutMs };
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
  return { target, method, timeoutMs };
}

/** The drill's lines under one title, as the Compose drill prints them; 0 when every line passed. */
function printDrill(io: CommandContext["io"], output: string | undefined, ns: string, backup: string | undefined, checks: readonly CheckResult[]): number {
  const report = drillReport([{ source: "kubernetes", where: `namespace ${ns}`, file: backup, checks }], new Date());
  printReport(io, output, report);
  return report.ok ? 0 : 1;
}

/** What the drill restores, as its lines and messages name it. */
function restoringText(target: KubernetesTarget, found: Found | undefined): string {
  const finished = found?.finished ? ` (finished ${escapeControl(found.finished)})` : "";
  if (found?.snapshots) return `the Backup ${found.backup}${finished}`;
  return `the newest backup in the object store of ${target.database.backup?.pluginName ?? "the backup plugin"}${found ? `, at least ${found.backup}${finished}` : ""}`;
}

/** The commands that run a rendered drill by hand, for a render without --apply. */
function howToRun(ns: string, names: DrillNames, shown: string, display: (file: string) => string, dir: string, timeout: string): string {
  return [
    "Run it (or run this command again with --apply, which does all of it and removes the drill afterwards):",
    `  kubectl apply -f ${word(display(join(dir, RESTORE_DRILL_FILES.cluster)))}`,
    `  kubectl -n ${ns} wait ${CNPG}/${names.cluster} --for=condition=Ready --timeout=${timeout}`,
    `  kubectl apply -f ${word(display(join(dir, RESTORE_DRILL_FILES.check)))}`,
    `  kubectl -n ${ns} wait job/${names.job} --for=condition=Complete --timeout=${timeout}`,
    `  kubectl -n ${ns} logs job/${names.job}`,
    `  kubectl delete -k ${word(shown)}`,
  ].join("\n");
}

/**
 * `immich-family backup verify --target kubernetes`: render the restore drill (a recovery Cluster from
 * the newest backup, fenced from the live one, and a Job running `backup check`) into `flags.out`, or a
 * new temporary folder. With `apply`: apply it with kubectl, wait for the Cluster and the Job within the
 * timeout, print the Job's check lines and the drill's own table, and always remove what it applied: on
 * success, on failure, on a timeout and when interrupted. 0 when every check passed; 1 when one failed
 * or the drill could not run; 2 for bad input.
 */
export async function verifyKubernetesBackup(
  ctx: CommandContext,
  specPath: string | undefined,
  flags: KubernetesDrillFlags,
  options: DrillTiming = {},
): Promise<number> {
  const { io } = ctx;
  const { file, spec } = await loadSpecOrThrow(ctx.cwd, specPath);
  const { target, method, timeoutMs } = drillInputs(spec, specPath, flags);
  const kubectl: Kubectl = (args, signal, ms = KUBECTL_CALL_MS) => runTool("kubectl", args, { env: ctx.env, timeoutMs: ms, signal });
  const ns = target.namespace;
  // The newest Backup is looked up whenever kubectl is needed anyway: a plugin drill rendered only needs no cluster.
  const lookUp = flags.apply || method === "volumeSnapshot";
  if (lookUp) await reachNamespace(kubectl, ns, flags.apply);
  const found = lookUp ? await findBackup(kubectl, spec, target, flags.backup, (options.now ?? Date.now)()) : undefined;
  if (found && "status" in found) return printDrill(io, flags.output, ns, undefined, [found]);

  const { files, names } = renderRestoreDrill(spec, { snapshots: found?.snapshots, activeDeadlineSeconds: Math.max(1, Math.ceil(timeoutMs / 1000)) });
  if (flags.apply) await refuseLeftovers(kubectl, ns, names);
  const shown = flags.out ?? mkdtempSync(join(tmpdir(), "immich-family-drill-"));
  const dir = resolve(ctx.cwd, shown);
  writeDrillFolder(dir, shown, files, file);
  const restoring = restoringText(target, found);
  // kubectl gets absolute paths (it runs in this process's folder, not the command's); the user sees them as named.
  const display = (path: string) => join(shown, basename(path));
  const timeout = flags.timeout ?? DEFAULT_TIMEOUT;
  if (!flags.apply) {
    io.stdout(
      `Rendered the restore drill into ${escapeControl(shown)}: a Cluster ${names.cluster} restoring ${restoring}, and a Job ${names.job} that checks it.`,
    );
    io.stdout(howToRun(ns, names, shown, display, dir, timeout));
    return 0;
  }
  const checks: CheckResult[] = [{ check: "backup", status: "pass", detail: restoring }];
  const run: DrillRun = {
    ctx,
    kubectl,
    ns,
    names,
    display,
    checks,
    timeout,
    folder: shown,
    toApply: [],
    clusterFile: join(dir, RESTORE_DRILL_FILES.cluster),
    checkFile: join(dir, RESTORE_DRILL_FILES.check),
    deadline: Date.now() + timeoutMs,
    pollMs: options.pollMs ?? 5000,
    logTo: flags.output === "json" ? io.stderr : io.stdout,
  };
  io.stderr(`drill: restoring ${restoring} into the Cluster ${names.cluster} (namespace ${ns}); everything is removed again at the end`);
  const ran = await runAndRemove(run, flags.out === undefined ? dir : undefined);
  if (ran === "interrupted") return 1;
  const code = printDrill(io, flags.output, ns, found?.backup, checks);
  return ran === "not removed" ? 1 : code;
}

/** Run the drill, then always remove what it applied (and `scratch`, a temporary folder, once that worked). */
async function runAndRemove(run: DrillRun, scratch: string | undefined): Promise<"interrupted" | "not removed" | "removed"> {
  let interrupted = false;
  let removed = false;
  try {
    interrupted = (await runDrill(run)) === "interrupted";
  } finally {
    removed = await removeDrill(run, scratch);
  }
  return interrupted ? "interrupted" : removed ? "removed" : "not removed";
}

/** Delete what the drill applied, saying so; false (with how to remove them) when kubectl could not. */
async function removeDrill(run: DrillRun, scratch: string | undefined): Promise<boolean> {
  const { io } = run.ctx;
  const removed = await run.kubectl(
    ["delete", ...[...run.toApply].reverse().flatMap((f) => ["-f", f]), "--ignore-not-found", "--wait=true", `--timeout=${CLEANUP_MS / 1000}s`],
    undefined,
    CLEANUP_MS + 30_000,
  );
  if (!removed.missing && removed.code === 0) {
    io.stderr(`drill: removed the drill's objects (${run.names.cluster}, its volumes, ${run.names.job} and their policies)`);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    return true;
  }
  const reason = removed.missing ? "kubectl is gone" : kubectlReason(removed.stderr) || `kubectl exited with ${removed.code}`;
  io.stderr(`drill: could not remove the drill's objects (${escapeControl(reason)}). Remove them with: kubectl delete -k ${word(run.folder)}`);
  return false;
}

interface DrillRun {
  readonly ctx: CommandContext;
  readonly kubectl: Kubectl;
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
  /** Where the check Job's log goes: stdout, or stderr when stdout is JSON. */
  readonly logTo: (line: string) => void;
  /** The drill's own lines: backup, restore, checks. */
  readonly checks: CheckResult[];
  readonly deadline: number;
  readonly timeout: string;
  readonly pollMs: number;
}

/** `kubectl apply -f file`; false when interrupted, a CliError when kubectl fails. */
async function apply(run: DrillRun, file: string): Promise<boolean> {
  const { signal } = run.ctx;
  run.toApply.push(file);
  const r = await run.kubectl(["apply", "-f", file], signal);
  if (signal.aborted) return false;
  if (r.missing || r.code !== 0)
    throw new CliError(
      "server-error",
      `kubectl apply -f ${word(run.display(file))} failed: ${escapeControl(r.missing ? "kubectl is gone" : kubectlReason(r.stderr))}`,
    );
  return true;
}

/** Apply the recovery Cluster and wait until it is ready: a `restore` line. */
async function restoreCluster(run: DrillRun): Promise<"interrupted" | boolean> {
  const { io } = run.ctx;
  const { names } = run;
  if (!(await apply(run, run.clusterFile))) return "interrupted";
  let phase = "";
  const cluster = await waitFor(run, ["get", CNPG, names.cluster], (o) => {
    const status = (o as { status?: { phase?: string; conditions?: Condition[] } }).status;
    if (status?.phase && status.phase !== phase) {
      phase = status.phase;
      io.stderr(`drill: Cluster ${names.cluster}: ${escapeControl(phase)}`);
    }
    return status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ? "done" : undefined;
  });
  if (cluster === "aborted") return "interrupted";
  if (cluster === "done") {
    run.checks.push({ check: "restore", status: "pass", detail: `the Cluster ${names.cluster} is ready` });
    return true;
  }
  run.checks.push({
    check: "restore",
    status: "fail",
    detail: `the Cluster ${names.cluster} was not ready after ${run.timeout}${phase ? ` (last: ${escapeControl(phase)})` : ""}`,
    fix: `check the backup and the operator's log, or run the drill by hand without --apply (--out DIR) and look with kubectl -n ${run.ns} describe ${CNPG}/${names.cluster}; a big database needs a longer --timeout`,
  });
  return false;
}

/** Apply the check Job, wait for it, print its log (the checks of the restored database) and add a `checks` line. */
async function checkRestored(run: DrillRun): Promise<"interrupted" | undefined> {
  const { io, signal } = run.ctx;
  const { names } = run;
  if (!(await apply(run, run.checkFile))) return "interrupted";
  const job = await waitFor(run, ["get", "job", names.job], (o) => {
    const conditions = (o as { status?: { conditions?: Condition[] } }).status?.conditions ?? [];
    const failed = conditions.find((c) => c.type === "Failed" && c.status === "True");
    if (failed) return failed.reason === "DeadlineExceeded" ? "deadline" : "failed";
    return conditions.some((c) => c.type === "Complete" && c.status === "True") ? "done" : undefined;
  });
  if (job === "aborted") return "interrupted";
  const logs = await run.kubectl(["-n", run.ns, "logs", `job/${names.job}`], signal);
  if (signal.aborted) return "interrupted";
  if (!logs.missing && logs.code === 0) {
    // The Job's own report (backup check's table) as it printed it, then a blank line before the drill's.
    const text = logs.stdout.replace(/\s+$/, "");
    if (text) for (const line of [...text.split("\n"), ""]) run.logTo(escapeControl(line));
  } else io.stderr(`drill: could not read the checks' log: ${escapeControl(logs.missing ? "kubectl is gone" : kubectlReason(logs.stderr))}`);
  const line = (status: "pass" | "fail", detail: string, fix?: string) => run.checks.push({ check: "checks", status, detail, ...(fix ? { fix } : {}) });
  if (job === "done") return void line("pass", `the Job ${names.job} passed every check of the restored database (above)`);
  if (job === "failed") return void line("fail", `the Job ${names.job} failed`, "the lines above say which check failed and how to fix it");
  const stuck = await podTrouble(run);
  if (stuck)
    return void line(
      "fail",
      `the Job ${names.job} did not finish within ${run.timeout}: its pod is ${stuck}`,
      "the Job runs on the server's node to read the upload volume: is the server running, and can its node take one more pod?",
    );
  line("fail", `the Job ${names.job} did not finish within ${run.timeout}`, "a big library needs a longer --timeout");
}

/** Restore, then check; the caller removes what `toApply` lists, whatever happens here. */
async function runDrill(run: DrillRun): Promise<"interrupted" | undefined> {
  const restored = await restoreCluster(run);
  const outcome = restored === true ? await checkRestored(run) : restored === "interrupted" ? "interrupted" : undefined;
  if (outcome === "interrupted")
    run.ctx.io.stderr(`drill: interrupted; removing the drill's objects (interrupting again leaves them: then run kubectl delete -k ${word(run.folder)})`);
  return outcome;
}

/** Why the Job's pod never ran, when it did not: `Pending (Unschedulable: …)` or a container waiting; `undefined` when it ran. */
async function podTrouble(run: DrillRun): Promise<string | undefined> {
  const r = await run.kubectl(["-n", run.ns, "get", "pods", "-l", `job-name=${run.names.job}`, "-o", "json"]);
  if (r.missing || r.code !== 0) return undefined;
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
    if (!r.missing && r.code === 0) {
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
  const found = !r.missing && r.code === 0 ? r.stdout.split("\n").filter((l) => l.trim() !== "") : [];
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
  if (r.missing) {
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
): Promise<Found | CheckResult> {
  const ns = target.namespace;
  const live = objectNames(spec, target).cluster;
  const schedule = target.database.backup;
  const method = schedule?.method ?? "volumeSnapshot";
  const r = await kubectl(["-n", ns, "get", BACKUPS, ...(name ? [name] : []), "-o", "json"]);
  if (r.missing || r.code !== 0) {
    const reason = r.missing ? "kubectl is gone" : kubectlReason(r.stderr);
    if (name && !r.missing && /NotFound|not found/i.test(r.stderr))
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
    return {
      check: "backup",
      status: "fail",
      detail: `no completed ${kind} Backup of the Cluster ${live} in the namespace ${ns}, so there is nothing to restore`,
      fix: `\`kubectl -n ${ns} get ${BACKUPS}\` shows what ran and why it failed; check the ScheduledBackup ${live}-backup${method === "volumeSnapshot" ? " and the VolumeSnapshotClass" : ` and the plugin ${schedule?.pluginName ?? ""}`}`,
    };
  }
  const finished = newest.status?.stoppedAt;
  const limit = schedule ? maxBackupAge(schedule.schedule) : undefined;
  const finishedMs = finished ? Date.parse(finished) : Number.NaN;
  if (!name && limit && Number.isFinite(finishedMs) && now - finishedMs > limit.ms) {
    return {
      check: "backup",
      status: "fail",
      detail: `the newest completed Backup, ${newest.metadata.name}, finished ${escapeControl(finished ?? "")} (${age(now - finishedMs)} ago), but the schedule '${schedule?.schedule}' takes one every ${limit.every}: the backups stopped`,
      fix: `\`kubectl -n ${ns} describe scheduledbackup ${live}-backup\` and the operator's log say why; drill this one anyway with --backup ${newest.metadata.name}`,
    };
  }
  return { backup: newest.metadata.name, snapshots: data ? { backup: newest.metadata.name, storage: data } : undefined, finished };
}
