import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse, parseDocument } from "yaml";
import { type DrillCluster, drillKubectl, exampleText, runCommand, standIns } from "../../test/helpers.js";
import { main as renderMain } from "../commands/render.js";
import { type DrillTiming, type KubernetesDrillFlags, verifyKubernetesBackup } from "./kubernetes.js";

const SNAPSHOT_BACKUP = (name: string, stoppedAt: string, extra: { cluster?: string; phase?: string; method?: string; wal?: boolean } = {}) => ({
  apiVersion: "postgresql.cnpg.io/v1",
  kind: "Backup",
  metadata: { name, namespace: "photos", creationTimestamp: stoppedAt },
  spec: { cluster: { name: extra.cluster ?? "rincewind-postgres" }, method: extra.method ?? "volumeSnapshot" },
  status: {
    phase: extra.phase ?? "completed",
    stoppedAt,
    backupSnapshotStatus: { elements: [{ name, type: "PG_DATA" }, ...(extra.wal ? [{ name: `${name}-wal`, type: "PG_WAL" }] : [])] },
  },
});

const BACKUPS = [
  SNAPSHOT_BACKUP("rincewind-postgres-backup-20261204030000", "2026-12-04T03:00:41Z"),
  SNAPSHOT_BACKUP("rincewind-postgres-backup-20261205030000", "2026-12-05T03:00:37Z"),
  SNAPSHOT_BACKUP("rincewind-postgres-backup-20261206030000", "2026-12-06T03:00:12Z", { phase: "failed" }),
  SNAPSHOT_BACKUP("other-postgres-backup-20261206040000", "2026-12-06T04:00:00Z", { cluster: "other-postgres" }),
];
const NEWEST = "rincewind-postgres-backup-20261205030000";
/** What the check Job's `backup check` prints: its own table. */
const CHECK_LOG = `database: the restored database
CHECK    STATUS  DETAIL
schema   PASS    Immich 3.1.0, 212 migrations, latest 1764000000000-AddIntegrityChecks
records  PASS    3 users, 2 libraries, 12 albums, 2041 assets

Summary: PASS, 2 passed, 0 failed, 0 warnings, 0 skipped
`;

let dir: string;
let path: ReturnType<typeof standIns>;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "drill-"));
  path = standIns();
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(path.dir, { recursive: true, force: true });
});

/** Write the family example as the spec, `edit` applied to its YAML document first. */
function writeSpec(edit: (doc: ReturnType<typeof parseDocument>) => void = () => {}, name = "family"): void {
  const doc = parseDocument(exampleText(name));
  edit(doc);
  writeFileSync(join(dir, "immich-family.yaml"), doc.toString());
}

const PLUGIN = (doc: ReturnType<typeof parseDocument>) =>
  doc.setIn(["targets", "kubernetes", "database", "backup"], {
    schedule: "0 0 2 * * *",
    method: "plugin",
    pluginName: "barman-cloud.cloudnative-pg.io",
    pluginParameters: { barmanObjectName: "nas-minio" },
  });

/** The drill's clock: a few hours after the newest completed backup below. */
const NOW = Date.parse("2026-12-05T12:00:00Z");

function drill(flags: Partial<KubernetesDrillFlags> = {}, options: { signal?: AbortSignal; timing?: DrillTiming } = {}) {
  return runCommand(
    (ctx) => verifyKubernetesBackup(ctx, undefined, { apply: true, timeout: "10s", ...flags }, { pollMs: 10, now: () => NOW, ...options.timing }),
    dir,
    [],
    {},
    path.env,
    options.signal,
  );
}

const calls = () => path.calls().map((c) => c.replaceAll(dir, "<dir>").replace(/\/[^ ]*immich-family-drill-[^/ ]*/g, "<tmp>"));
/** The folder the drill applied from, read from the stand-in's log. */
const appliedFrom = () => /apply -f (\S+)\/cluster\.yaml/.exec(path.calls().join("\n"))?.[1];

describe("backup verify --target kubernetes --apply", () => {
  it("restores the newest completed snapshot Backup of the live cluster, runs the checks, prints them, and removes everything", async () => {
    writeSpec();
    drillKubectl(path.dir, { namespaces: ["photos"], backups: BACKUPS, readyAfter: 3, job: "Complete", logs: CHECK_LOG });
    const r = await drill({ out: "drill" });
    expect(r.code).toBe(0);
    expect(r.out).toMatchInlineSnapshot(`
      "database: the restored database
      CHECK    STATUS  DETAIL
      schema   PASS    Immich 3.1.0, 212 migrations, latest 1764000000000-AddIntegrityChecks
      records  PASS    3 users, 2 libraries, 12 albums, 2041 assets

      Summary: PASS, 2 passed, 0 failed, 0 warnings, 0 skipped

      kubernetes: namespace photos
      CHECK    STATUS  DETAIL
      backup   PASS    the Backup rincewind-postgres-backup-20261205030000 (finished 2026-12-05T03:00:37Z)
      restore  PASS    the Cluster rincewind-postgres-drill is ready
      checks   PASS    the Job rincewind-restore-drill passed every check of the restored database (above)

      Summary: PASS, 3 passed, 0 failed, 0 warnings, 0 skipped"
    `);
    expect(r.err).toContain(
      `drill: restoring the Backup ${NEWEST} (finished 2026-12-05T03:00:37Z) into the Cluster rincewind-postgres-drill (namespace photos)`,
    );
    expect(r.err).toContain("drill: Cluster rincewind-postgres-drill: Setting up primary");
    expect(calls()).toEqual([
      "kubectl get namespace photos -o name",
      "kubectl -n photos get backups.postgresql.cnpg.io -o json",
      "kubectl -n photos get networkpolicy/rincewind-restore-drill-database networkpolicy/rincewind-restore-drill-check cluster.postgresql.cnpg.io/rincewind-postgres-drill configmap/rincewind-restore-drill-spec job/rincewind-restore-drill --ignore-not-found -o name",
      "kubectl apply -f <dir>/drill/cluster.yaml",
      "kubectl -n photos get cluster.postgresql.cnpg.io rincewind-postgres-drill -o json",
      "kubectl -n photos get cluster.postgresql.cnpg.io rincewind-postgres-drill -o json",
      "kubectl -n photos get cluster.postgresql.cnpg.io rincewind-postgres-drill -o json",
      "kubectl apply -f <dir>/drill/check.yaml",
      "kubectl -n photos get job rincewind-restore-drill -o json",
      "kubectl -n photos logs job/rincewind-restore-drill",
      "kubectl delete -f <dir>/drill/check.yaml -f <dir>/drill/cluster.yaml --ignore-not-found --wait=true --timeout=300s",
    ]);
    // The folder it was told to use keeps what it applied, with the newest backup's snapshot.
    const cluster = parse(
      readFileSync(join(dir, "drill", "cluster.yaml"), "utf8")
        .split("---\n")
        .at(-1) ?? "",
    );
    expect(cluster.spec.bootstrap.recovery.volumeSnapshots.storage.name).toBe(NEWEST);
    expect(existsSync(join(dir, "drill", ".immich-family-render.json"))).toBe(true);
  });

  it("--output json: the drill's report as the Compose drill's JSON on stdout, the check Job's log on stderr", async () => {
    writeSpec();
    drillKubectl(path.dir, { namespaces: ["photos"], backups: BACKUPS, readyAfter: 1, job: "Complete", logs: CHECK_LOG });
    const r = await drill({ out: "drill", output: "json" });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect({ ...report, finishedAt: typeof report.finishedAt }).toMatchInlineSnapshot(`
      {
        "backups": [
          {
            "checks": [
              {
                "check": "backup",
                "detail": "the Backup rincewind-postgres-backup-20261205030000 (finished 2026-12-05T03:00:37Z)",
                "status": "pass",
              },
              {
                "check": "restore",
                "detail": "the Cluster rincewind-postgres-drill is ready",
                "status": "pass",
              },
              {
                "check": "checks",
                "detail": "the Job rincewind-restore-drill passed every check of the restored database (above)",
                "status": "pass",
              },
            ],
            "file": "rincewind-postgres-backup-20261205030000",
            "source": "kubernetes",
            "where": "namespace photos",
          },
        ],
        "finishedAt": "string",
        "ok": true,
        "summary": {
          "failed": 0,
          "passed": 3,
          "skipped": 0,
          "warnings": 0,
        },
      }
    `);
    expect(r.err).toContain("records  PASS    3 users, 2 libraries, 12 albums, 2041 assets");
  });

  it("renders into a new temporary folder by default and removes it with the drill", async () => {
    writeSpec();
    drillKubectl(path.dir, { namespaces: ["photos"], backups: BACKUPS, readyAfter: 1, logs: CHECK_LOG });
    const r = await drill();
    expect(r.code).toBe(0);
    const folder = appliedFrom();
    expect(folder).toMatch(/immich-family-drill-/);
    expect(existsSync(folder as string)).toBe(false);
    expect(calls().at(-1)).toBe("kubectl delete -f <tmp>/check.yaml -f <tmp>/cluster.yaml --ignore-not-found --wait=true --timeout=300s");
  });

  it("restores through the Barman Cloud plugin once the newest plugin Backup is recent enough", async () => {
    writeSpec(PLUGIN);
    const plugin = SNAPSHOT_BACKUP("rincewind-postgres-backup-20261205013000", "2026-12-05T01:30:52Z", { method: "plugin" });
    drillKubectl(path.dir, { namespaces: ["photos"], backups: [...BACKUPS, plugin], readyAfter: 1, logs: CHECK_LOG });
    const r = await drill({ out: "drill" });
    expect(r.code).toBe(0);
    expect(r.err).toContain(
      "drill: restoring the newest backup in the object store of barman-cloud.cloudnative-pg.io, at least rincewind-postgres-backup-20261205013000 (finished 2026-12-05T01:30:52Z) into the Cluster rincewind-postgres-drill",
    );
    const cluster = parse(
      readFileSync(join(dir, "drill", "cluster.yaml"), "utf8")
        .split("---\n")
        .at(-1) ?? "",
    );
    expect(cluster.spec.bootstrap.recovery).toEqual({ database: "immich", owner: "immich", source: "rincewind-postgres" });
    expect(calls().at(-1)).toContain("kubectl delete -f <dir>/drill/check.yaml -f <dir>/drill/cluster.yaml");
  });

  it("renders a plugin drill without kubectl, and fails one to apply when no plugin Backup completed", async () => {
    writeSpec(PLUGIN);
    drillKubectl(path.dir, { namespaces: ["photos"], backups: BACKUPS });
    const r = await drill({ out: "drill" });
    expect(r.code).toBe(1);
    expect(r.out).toMatchInlineSnapshot(`
      "kubernetes: namespace photos
      CHECK   STATUS  DETAIL
      backup  FAIL    no completed plugin Backup of the Cluster rincewind-postgres in the namespace photos, so there is nothing to restore
                      fix: \`kubectl -n photos get backups.postgresql.cnpg.io\` shows what ran and why it failed; check the ScheduledBackup rincewind-postgres-backup and the plugin barman-cloud.cloudnative-pg.io

      Summary: FAIL, 0 passed, 1 failed, 0 warnings, 0 skipped"
    `);
    expect(existsSync(join(dir, "drill"))).toBe(false);
  });

  it("fails when the newest backup is older than the schedule allows, naming it and how to drill it anyway", async () => {
    writeSpec();
    drillKubectl(path.dir, { namespaces: ["photos"], backups: BACKUPS, readyAfter: 1, logs: CHECK_LOG });
    const stale = await drill({ out: "drill" }, { timing: { now: () => Date.parse("2026-12-07T12:00:00Z") } });
    expect(stale.code).toBe(1);
    expect(stale.out).toMatchInlineSnapshot(`
      "kubernetes: namespace photos
      CHECK   STATUS  DETAIL
      backup  FAIL    the newest completed Backup, rincewind-postgres-backup-20261205030000, finished 2026-12-05T03:00:37Z (56 h ago), but the schedule '0 0 3 * * *' takes one every day: the backups stopped
                      fix: \`kubectl -n photos describe scheduledbackup rincewind-postgres-backup\` and the operator's log say why; drill this one anyway with --backup rincewind-postgres-backup-20261205030000

      Summary: FAIL, 0 passed, 1 failed, 0 warnings, 0 skipped"
    `);
    expect(existsSync(join(dir, "drill"))).toBe(false);
    const anyway = await drill({ out: "drill", backup: NEWEST }, { timing: { now: () => Date.parse("2026-12-07T12:00:00Z") } });
    expect(anyway.code).toBe(0);
  });

  it("exits 1 when the checks fail, after printing them, and still removes the drill", async () => {
    writeSpec();
    const log = `database: the restored database
CHECK   STATUS  DETAIL
schema  PASS    Immich 3.1.0, 212 migrations, latest 1764000000000-AddIntegrityChecks
files   FAIL    3 of 50 sampled asset files missing, e.g. /mnt/photos/family/2024/a.jpg
                fix: the database points at files that are not there: check that the media and library folders are mounted and complete

Summary: FAIL, 1 passed, 1 failed, 0 warnings, 0 skipped
`;
    drillKubectl(path.dir, { namespaces: ["photos"], backups: BACKUPS, readyAfter: 1, job: "Failed", logs: log });
    const r = await drill({ out: "drill" });
    expect(r.code).toBe(1);
    expect(r.out).toMatchInlineSnapshot(`
      "database: the restored database
      CHECK   STATUS  DETAIL
      schema  PASS    Immich 3.1.0, 212 migrations, latest 1764000000000-AddIntegrityChecks
      files   FAIL    3 of 50 sampled asset files missing, e.g. /mnt/photos/family/2024/a.jpg
                      fix: the database points at files that are not there: check that the media and library folders are mounted and complete

      Summary: FAIL, 1 passed, 1 failed, 0 warnings, 0 skipped

      kubernetes: namespace photos
      CHECK    STATUS  DETAIL
      backup   PASS    the Backup rincewind-postgres-backup-20261205030000 (finished 2026-12-05T03:00:37Z)
      restore  PASS    the Cluster rincewind-postgres-drill is ready
      checks   FAIL    the Job rincewind-restore-drill failed
                       fix: the lines above say which check failed and how to fix it

      Summary: FAIL, 2 passed, 1 failed, 0 warnings, 0 skipped"
    `);
    expect(calls().at(-1)).toBe("kubectl delete -f <dir>/drill/check.yaml -f <dir>/drill/cluster.yaml --ignore-not-found --wait=true --timeout=300s");
  });

  it("gives up on a Cluster that is not ready within --timeout, says so, and removes it", async () => {
    writeSpec();
    drillKubectl(path.dir, { namespaces: ["photos"], backups: BACKUPS });
    const started = Date.now();
    const r = await drill({ out: "drill", timeout: "300ms" }, { timing: { pollMs: 20 } });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(r.code).toBe(1);
    expect(r.out).toMatchInlineSnapshot(`
      "kubernetes: namespace photos
      CHECK    STATUS  DETAIL
      backup   PASS    the Backup rincewind-postgres-backup-20261205030000 (finished 2026-12-05T03:00:37Z)
      restore  FAIL    the Cluster rincewind-postgres-drill was not ready after 300ms (last: Setting up primary)
                       fix: check the backup and the operator's log, or run the drill by hand without --apply (--out DIR) and look with kubectl -n photos describe cluster.postgresql.cnpg.io/rincewind-postgres-drill; a big database needs a longer --timeout

      Summary: FAIL, 1 passed, 1 failed, 0 warnings, 0 skipped"
    `);
    // The check was never applied, so only the Cluster and its policies are removed.
    expect(calls().filter((c) => c.includes("apply"))).toEqual(["kubectl apply -f <dir>/drill/cluster.yaml"]);
    expect(calls().at(-1)).toBe("kubectl delete -f <dir>/drill/cluster.yaml --ignore-not-found --wait=true --timeout=300s");
  });

  it("reports a Job stopped by its deadline as a timeout", async () => {
    writeSpec();
    drillKubectl(path.dir, { namespaces: ["photos"], backups: BACKUPS, readyAfter: 1, job: "DeadlineExceeded" });
    const r = await drill({ out: "drill" });
    expect(r.code).toBe(1);
    expect(r.out).toMatchInlineSnapshot(`
      "kubernetes: namespace photos
      CHECK    STATUS  DETAIL
      backup   PASS    the Backup rincewind-postgres-backup-20261205030000 (finished 2026-12-05T03:00:37Z)
      restore  PASS    the Cluster rincewind-postgres-drill is ready
      checks   FAIL    the Job rincewind-restore-drill did not finish within 10s
                       fix: a big library needs a longer --timeout

      Summary: FAIL, 2 passed, 1 failed, 0 warnings, 0 skipped"
    `);
    expect(calls().at(-1)).toContain("kubectl delete -f <dir>/drill/check.yaml -f <dir>/drill/cluster.yaml");
  });

  it("says why the Job's pod never ran when it cannot be scheduled beside the server", async () => {
    writeSpec();
    const pending = {
      status: {
        phase: "Pending",
        conditions: [
          {
            type: "PodScheduled",
            status: "False",
            reason: "Unschedulable",
            message: "0/3 nodes are available: 3 node(s) didn't match pod affinity rules.",
          },
        ],
      },
    };
    drillKubectl(path.dir, { namespaces: ["photos"], backups: BACKUPS, readyAfter: 1, job: "running", jobPods: [pending] });
    const r = await drill({ out: "drill", timeout: "300ms" }, { timing: { pollMs: 20 } });
    expect(r.code).toBe(1);
    expect(r.out).toMatchInlineSnapshot(`
      "kubernetes: namespace photos
      CHECK    STATUS  DETAIL
      backup   PASS    the Backup rincewind-postgres-backup-20261205030000 (finished 2026-12-05T03:00:37Z)
      restore  PASS    the Cluster rincewind-postgres-drill is ready
      checks   FAIL    the Job rincewind-restore-drill did not finish within 300ms: its pod is Pending (Unschedulable: 0/3 nodes are available: 3 node(s) didn't match pod affinity rules.)
                       fix: the Job runs on the server's node to read the upload volume: is the server running, and can its node take one more pod?

      Summary: FAIL, 2 passed, 1 failed, 0 warnings, 0 skipped"
    `);
    expect(calls()).toContain("kubectl -n photos get pods -l job-name=rincewind-restore-drill -o json");
    expect(calls().at(-1)).toContain("kubectl delete -f <dir>/drill/check.yaml -f <dir>/drill/cluster.yaml");
  });

  it.each([
    ["waiting for the Cluster", {}, "get cluster.postgresql.cnpg.io", "kubectl delete -f <dir>/drill/cluster.yaml"],
    ["waiting for the Job", { readyAfter: 1, job: "running" }, "get job", "kubectl delete -f <dir>/drill/check.yaml -f <dir>/drill/cluster.yaml"],
  ] satisfies [string, Partial<DrillCluster>, string, string][])(
    "removes what it applied when interrupted while %s",
    async (_when, cluster, waiting, removal) => {
      writeSpec();
      drillKubectl(path.dir, { namespaces: ["photos"], backups: BACKUPS, ...cluster });
      const abort = new AbortController();
      const watcher = setInterval(() => {
        if (path.calls().filter((c) => c.includes(waiting)).length >= 2) abort.abort(new Error("SIGINT"));
      }, 5);
      const r = await drill({ out: "drill", timeout: "1h" }, { signal: abort.signal }).finally(() => clearInterval(watcher));
      expect(r.code).toBe(1);
      expect(r.err).toContain("drill: interrupted; removing the drill's objects (interrupting again leaves them: then run kubectl delete -k drill)");
      expect(r.err).toContain("drill: removed the drill's objects");
      expect(calls().at(-1)).toBe(`${removal} --ignore-not-found --wait=true --timeout=300s`);
    },
  );

  it("says the objects could not be removed, how to remove them, and keeps the folder to do it with", async () => {
    writeSpec();
    drillKubectl(path.dir, { namespaces: ["photos"], backups: BACKUPS, readyAfter: 1, logs: CHECK_LOG, deleteFails: true });
    const r = await drill();
    expect(r.code).toBe(1);
    const folder = appliedFrom() as string;
    expect(r.err).toContain(
      `drill: could not remove the drill's objects (The connection to the server localhost:8080 was refused - did you specify the right host or port?). Remove them with: kubectl delete -k ${folder}`,
    );
    expect(existsSync(join(folder, "cluster.yaml"))).toBe(true);
    rmSync(folder, { recursive: true, force: true });
  });

  it("removes the Cluster when applying the check fails, and says why", async () => {
    writeSpec();
    drillKubectl(path.dir, { namespaces: ["photos"], backups: BACKUPS, readyAfter: 1, applyCheckFails: true });
    const r = await drill({ out: "drill" });
    expect(r.code).toBe(1);
    expect(r.err).toContain("error: kubectl apply -f drill/check.yaml failed: Error from server (Forbidden): jobs.batch is forbidden");
    expect(calls().at(-1)).toContain("kubectl delete -f <dir>/drill/check.yaml -f <dir>/drill/cluster.yaml");
  });

  it("refuses to touch drill objects it did not create", async () => {
    writeSpec();
    drillKubectl(path.dir, { namespaces: ["photos"], backups: BACKUPS, existing: "cluster.postgresql.cnpg.io/rincewind-postgres-drill\n" });
    const r = await drill({ out: "drill" });
    expect(r.code).toBe(1);
    expect(r.err).toContain("the restore drill's objects already exist in the namespace photos");
    expect(r.err).toContain("  cluster.postgresql.cnpg.io/rincewind-postgres-drill");
    expect(r.err).toContain("If they are an old drill's, remove them first: kubectl -n photos delete cluster.postgresql.cnpg.io/rincewind-postgres-drill");
    expect(calls().filter((c) => c.includes("apply") || c.includes("delete"))).toEqual([]);
    expect(existsSync(join(dir, "drill"))).toBe(false);
  });
});

describe("backup verify --target kubernetes: what it finds before it writes", () => {
  it("fails, naming kubectl and what to do, when kubectl is missing; writes nothing", async () => {
    writeSpec();
    const r = await drill({ out: "drill" });
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      "error: kubectl was not found on the PATH: the drill applies its objects with it. Install kubectl (1.24 or newer) pointed at the cluster, or leave out --apply to only render the drill.",
    );
    expect(existsSync(join(dir, "drill"))).toBe(false);
  });

  it("prints a FAIL with the fix when the live cluster has no completed snapshot Backup", async () => {
    writeSpec();
    drillKubectl(path.dir, { namespaces: ["photos"], backups: BACKUPS.filter((b) => b.status.phase !== "completed") });
    const r = await drill({ out: "drill" });
    expect(r.code).toBe(1);
    expect(r.out).toMatchInlineSnapshot(`
      "kubernetes: namespace photos
      CHECK   STATUS  DETAIL
      backup  FAIL    no completed volume-snapshot Backup of the Cluster rincewind-postgres in the namespace photos, so there is nothing to restore
                      fix: \`kubectl -n photos get backups.postgresql.cnpg.io\` shows what ran and why it failed; check the ScheduledBackup rincewind-postgres-backup and the VolumeSnapshotClass

      Summary: FAIL, 0 passed, 1 failed, 0 warnings, 0 skipped"
    `);
    expect(existsSync(join(dir, "drill"))).toBe(false);
  });

  it("restores a named Backup, and refuses one it cannot restore", async () => {
    writeSpec();
    const backups = [...BACKUPS, SNAPSHOT_BACKUP("rincewind-postgres-adopted", "2026-11-01T03:00:00Z", { wal: true })];
    drillKubectl(path.dir, { namespaces: ["photos"], backups });
    const named = await drill({ backup: "rincewind-postgres-backup-20261204030000", apply: false, out: "drill" });
    expect(named.code).toBe(0);
    expect(readFileSync(join(dir, "drill", "cluster.yaml"), "utf8")).toContain("name: rincewind-postgres-backup-20261204030000\n");
    const refuse = async (backup: string) => (await drill({ backup, apply: false, out: "other" })).err;
    expect(await refuse("rincewind-postgres-backup-20261206030000")).toBe(
      "error: The Backup rincewind-postgres-backup-20261206030000 cannot be drilled: it is failed, not completed.",
    );
    expect(await refuse("other-postgres-backup-20261206040000")).toBe(
      "error: The Backup other-postgres-backup-20261206040000 cannot be drilled: it is a backup of other-postgres, not of rincewind-postgres.",
    );
    expect(await refuse("rincewind-postgres-adopted")).toMatch(/cannot be drilled: it has WAL or tablespace volumes/);
    expect(await refuse("nope")).toBe("error: There is no Backup nope in the namespace photos: `kubectl -n photos get backups.postgresql.cnpg.io` lists them.");
    expect(existsSync(join(dir, "other"))).toBe(false);
  });

  it("names a missing namespace and an unreachable cluster", async () => {
    writeSpec();
    drillKubectl(path.dir, { namespaces: ["immich"] });
    const r = await drill();
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      "error: The namespace photos does not exist in the cluster kubectl points at: is this the install's cluster (kubectl config current-context)?",
    );
  });
});

describe("backup verify --target kubernetes without --apply", () => {
  it("renders the drill and says how to run it, without kubectl for a plugin backup", async () => {
    writeSpec(PLUGIN);
    const r = await drill({ apply: false, out: "drill" });
    expect(r.code).toBe(0);
    expect(path.calls()).toEqual([]);
    expect(r.out).toBe(
      [
        "Rendered the restore drill into drill: a Cluster rincewind-postgres-drill restoring the newest backup in the object store of barman-cloud.cloudnative-pg.io, and a Job rincewind-restore-drill that checks it.",
        "Run it (or run this command again with --apply, which does all of it and removes the drill afterwards):",
        "  kubectl apply -f drill/cluster.yaml",
        "  kubectl -n photos wait cluster.postgresql.cnpg.io/rincewind-postgres-drill --for=condition=Ready --timeout=10s",
        "  kubectl apply -f drill/check.yaml",
        "  kubectl -n photos wait job/rincewind-restore-drill --for=condition=Complete --timeout=10s",
        "  kubectl -n photos logs job/rincewind-restore-drill",
        "  kubectl delete -k drill",
      ].join("\n"),
    );
    expect(readFileSync(join(dir, "drill", "kustomization.yaml"), "utf8")).toContain("- cluster.yaml\n  - check.yaml\n");
  });

  it("never writes into a render's folder, whose record lists other files", async () => {
    writeSpec(PLUGIN);
    const rendered = await runCommand(renderMain, dir, [], { out: "rendered", target: "kubernetes" });
    expect(rendered.code).toBe(0);
    const before = readdirSync(join(dir, "rendered")).map((f) => [f, readFileSync(join(dir, "rendered", f), "utf8")]);
    const r = await drill({ apply: false, out: "rendered" });
    expect(r.code).toBe(1);
    expect(r.err).toContain("error: backup verify stopped before writing anything into rendered");
    expect(r.err).toContain(
      "  rendered holds another render: its .immich-family-render.json lists files the drill never writes. The drill needs a folder of its own: pick another --out, or leave it out for a temporary one.",
    );
    expect(readdirSync(join(dir, "rendered")).map((f) => [f, readFileSync(join(dir, "rendered", f), "utf8")])).toEqual(before);
  });

  it("renders again into its own folder, replacing only its files", async () => {
    writeSpec(PLUGIN);
    expect((await drill({ apply: false, out: "drill" })).code).toBe(0);
    writeFileSync(join(dir, "drill", "notes.txt"), "mine\n");
    expect((await drill({ apply: false, out: "drill" })).code).toBe(0);
    expect(readdirSync(join(dir, "drill")).sort()).toEqual([".immich-family-render.json", "check.yaml", "cluster.yaml", "kustomization.yaml", "notes.txt"]);
  });

  it("quotes a folder with spaces or quotes in the commands it prints", async () => {
    writeSpec(PLUGIN);
    const r = await drill({ apply: false, out: "Ann's drill" });
    expect(r.code).toBe(0);
    expect(r.out).toContain("  kubectl apply -f 'Ann'\\''s drill/cluster.yaml'\n");
    expect(r.out).toContain("  kubectl delete -k 'Ann'\\''s drill'");
    expect(existsSync(join(dir, "Ann's drill", "cluster.yaml"))).toBe(true);
  });

  it("refuses a folder it did not write, and never writes over the spec", async () => {
    writeSpec(PLUGIN);
    mkdirSync(join(dir, "notes"));
    writeFileSync(join(dir, "notes", "cluster.yaml"), "mine\n");
    const r = await drill({ apply: false, out: "notes" });
    expect(r.code).toBe(1);
    expect(r.err).toContain("error: backup verify stopped before writing anything into notes");
    expect(readFileSync(join(dir, "notes", "cluster.yaml"), "utf8")).toBe("mine\n");
    expect(existsSync(join(dir, "notes", "check.yaml"))).toBe(false);
  });
});

describe("backup verify --target kubernetes: bad input exits 2", () => {
  it.each([
    ["a spec without a Kubernetes target", () => writeSpec(() => {}, "truenas"), {}, /declares no targets\.kubernetes.*leave out --target kubernetes/],
    [
      "a spec without backups",
      () => writeSpec((d) => d.deleteIn(["targets", "kubernetes", "database", "backup"])),
      {},
      /targets\.kubernetes\.database\.backup is not set: the database takes no backups/,
    ],
    ["--backup with a plugin", () => writeSpec(PLUGIN), { backup: "x" }, /--backup names a volume-snapshot Backup, but the spec backs up through a plugin/],
    ["a --backup that is no object name", () => writeSpec(), { backup: "../x\n" }, /--backup must be the name of a Backup, e\.g\. rincewind-postgres-backup-/],
    ["a --timeout that is no duration", () => writeSpec(), { timeout: "soon" }, /--timeout must be a duration such as 30m, 2h or 90s; got "soon"/],
    ["a --timeout of nothing", () => writeSpec(), { timeout: "0s" }, /--timeout must be a duration/],
  ])("%s", async (_what, setup, flags, message) => {
    setup();
    const r = await drill({ out: "drill", ...flags });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(path.calls()).toEqual([]);
    expect(existsSync(join(dir, "drill"))).toBe(false);
  });
});

describe("the image the check Job runs", () => {
  it("has psql, which backup check queries the restored database with", () => {
    const dockerfile = readFileSync(new URL("../../../../packages/worker/Dockerfile", import.meta.url), "utf8");
    const runtime = dockerfile.slice(dockerfile.indexOf("AS runtime"));
    expect(runtime).toMatch(/^RUN apt-get update \\\n && apt-get install --yes --no-install-recommends postgresql-client \\$/m);
    expect(runtime.indexOf("postgresql-client")).toBeLessThan(runtime.indexOf("USER node"));
  });
});
