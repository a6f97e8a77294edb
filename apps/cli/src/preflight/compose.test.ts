import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { spawnSync } from "node:child_process";
import { BUILT_CLI, EXAMPLES, recordingIo, exampleText, exampleSpec, fakeDocker, fakeKubectl, standIns, commandContext } from "../../test/helpers.js";
import { main as doctor } from "../commands/doctor.js";
import { allows, composeMemoryBytes, portFree, resourceChecks, tcpListeners } from "./compose.js";
import { runPreflight } from "./run-preflight.js";

// The spec's user is never the owner of the test's folders, whoever runs the tests.
const uid = (process.getuid?.() ?? 0) + 4242;
const gid = (process.getgid?.() ?? 0) + 4242;

/** The TrueNAS example (Traefik, backups, machine learning) with its host paths in a temp folder. */
function truenas(root: string, set: Record<string, unknown> = {}, remove: readonly string[] = []) {
  return exampleSpec(
    "truenas.yaml",
    {
      "targets.compose.user": { uid, gid },
      "targets.compose.paths.media": join(root, "media"),
      "targets.compose.paths.modelCache": join(root, "model-cache"),
      "targets.compose.paths.backups": join(root, "backups"),
      ...set,
    },
    remove,
  );
}

function folders(root: string, mode: number, ...names: string[]) {
  for (const n of names) {
    mkdirSync(join(root, n), { recursive: true });
    chmodSync(join(root, n), mode);
  }
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const rows = (report: Awaited<ReturnType<typeof runPreflight>>) => report.targets.flatMap((t) => t.checks);

describe("Compose preflight (stand-in docker)", () => {
  it("passes with Docker Compose v2, writable host paths and Traefik in front (no published port)", async () => {
    const root = mkdtempSync(join(tmpdir(), "preflight-compose-"));
    folders(root, 0o777, "media", "model-cache", "backups");
    const path = standIns();
    fakeDocker(path.dir, "v2.29.1");
    const report = await runPreflight({ spec: truenas(root), cwd: root, env: path.env, out: "." });
    expect(rows(report)).toEqual([
      { check: "Docker Compose v2", status: "pass", detail: "docker compose v2.29.1" },
      { check: "host path paths.media", status: "pass", detail: `${join(root, "media")} is writable by ${uid}:${gid}` },
      {
        check: "host path paths.config",
        status: "pass",
        detail: `./data (${join(root, "data")}) does not exist yet: Docker creates it beside compose.yaml at first start, and immich-init hands it to the user`,
      },
      {
        check: "host path paths.database",
        status: "pass",
        detail: `./data/db (${join(root, "data/db")}) does not exist yet: Docker creates it beside compose.yaml at first start and Postgres takes it`,
      },
      { check: "host path paths.modelCache", status: "pass", detail: `${join(root, "model-cache")} is writable by ${uid}:${gid}` },
      { check: "host path paths.backups", status: "pass", detail: `${join(root, "backups")} is writable by ${uid}:${gid}` },
      { check: "ports free", status: "skip", detail: "compose.yaml publishes no port (Traefik reaches the server on its network)" },
      { check: "resources fit the host", status: "skip", detail: "compose.yaml sets no CPU or memory limit" },
    ]);
    expect(report.ok).toBe(true);
    expect(path.calls()).toEqual(["docker compose version"]);
  });

  it("fails each problem with its fix: no Compose v2, a path uid:gid cannot write, an absolute path missing", async () => {
    const root = mkdtempSync(join(tmpdir(), "preflight-compose-"));
    folders(root, 0o755, "media");
    const path = standIns();
    fakeDocker(path.dir, undefined);
    const spec = truenas(root);
    const report = await runPreflight({ spec, cwd: root, env: path.env, out: "." });
    const failed = rows(report).filter((c) => c.status === "fail");
    expect(failed).toEqual([
      {
        check: "Docker Compose v2",
        status: "fail",
        detail: "`docker compose version` failed: docker: 'compose' is not a docker command.",
        fix: "install Docker Engine with the Compose v2 plugin (docker-compose-plugin); the old standalone docker-compose v1 is not enough",
      },
      {
        check: "host path paths.media",
        status: "fail",
        detail: `${join(root, "media")} is owned by ${process.getuid?.()}:${process.getgid?.()} with mode 755: ${uid}:${gid} cannot write it`,
        fix: `chown -R ${uid}:${gid} ${join(root, "media")} (immich-init does this at start only where root may chown, e.g. not on root-squashed NFS)`,
      },
      {
        check: "host path paths.modelCache",
        status: "fail",
        detail: `${join(root, "model-cache")} does not exist; Docker would create it as root, maybe on the wrong disk`,
        fix: `mkdir -p ${join(root, "model-cache")} && chown ${uid}:${gid} ${join(root, "model-cache")}`,
      },
      expect.objectContaining({ check: "host path paths.backups", status: "fail" }),
    ]);
    expect(report.ok).toBe(false);
  });

  it("checks each library folder is there and readable by uid:gid", async () => {
    const root = mkdtempSync(join(tmpdir(), "preflight-compose-"));
    folders(root, 0o777, "media", "model-cache", "backups");
    folders(root, 0o755, "family");
    folders(root, 0o700, "travel");
    const path = standIns();
    fakeDocker(path.dir, "v2.29.1");
    const spec = exampleSpec("family.yaml", {
      "targets.compose.user": { uid, gid },
      "targets.compose.paths.media": join(root, "media"),
      "targets.compose.libraries": { family: { hostPath: join(root, "family") }, travel: { hostPath: join(root, "travel") } },
    });
    const report = await runPreflight({ spec, cwd: root, env: path.env, target: "compose", out: "." });
    expect(rows(report).filter((c) => c.check.startsWith("host path libraries."))).toEqual([
      { check: "host path libraries.family.hostPath", status: "pass", detail: `${join(root, "family")} is readable by ${uid}:${gid}` },
      {
        check: "host path libraries.travel.hostPath",
        status: "fail",
        detail: `${join(root, "travel")} is owned by ${process.getuid?.()}:${process.getgid?.()} with mode 700: ${uid}:${gid} cannot read it`,
        fix: `let ${uid}:${gid} read ${join(root, "travel")}, e.g. chmod -R o+rX ${join(root, "travel")} or a group it is in`,
      },
    ]);
  });

  it("fails when docker is not on the PATH, and when it is Compose v1", async () => {
    const root = mkdtempSync(join(tmpdir(), "preflight-compose-"));
    const path = standIns();
    const first = async () => rows(await runPreflight({ spec: truenas(root), cwd: root, env: path.env, out: "." }))[0];
    expect(await first()).toMatchObject({ status: "fail", detail: "docker is not on the PATH" });
    fakeDocker(path.dir, "1.29.2");
    expect(await first()).toMatchObject({ status: "fail", detail: "docker compose 1.29.2 is older than v2" });
  });

  it("fails a published port something already listens on", async () => {
    const root = mkdtempSync(join(tmpdir(), "preflight-compose-"));
    folders(root, 0o777, "media", "model-cache", "backups");
    const path = standIns();
    fakeDocker(path.dir, "v2.29.1");
    // Without Traefik the server publishes 2283; hold it (if something else already does, it is in use all the same).
    const holder = createServer();
    await new Promise<void>((r) => {
      holder.once("error", () => r());
      holder.listen({ host: "0.0.0.0", port: 2283 }, () => r());
    });
    servers.push(holder);
    const report = await runPreflight({ spec: truenas(root, {}, ["targets.compose.traefik"]), cwd: root, env: path.env, out: "." });
    expect(rows(report).find((r) => r.check === "port 2283")).toEqual({
      check: "port 2283",
      status: "fail",
      detail: "in use on 0.0.0.0; immich-server publishes it on 0.0.0.0",
      fix: "stop what listens there (`ss -ltnp 'sport = :2283'` names it; an Immich already running from this folder does too), or put Traefik in front (targets.compose.traefik)",
    });
  });

  it("names the address that really holds the port: a loopback listener is not reported as 0.0.0.0", async () => {
    const root = mkdtempSync(join(tmpdir(), "preflight-compose-"));
    folders(root, 0o777, "media", "model-cache", "backups");
    const path = standIns();
    fakeDocker(path.dir, "v2.29.1");
    const holder = createServer();
    await new Promise<void>((r) => holder.listen({ host: "127.0.0.1", port: 0 }, () => r()));
    servers.push(holder);
    const port = (holder.address() as { port: number }).port;
    expect(tcpListeners(port)).toEqual(["127.0.0.1"]);
    const spec = truenas(root, { "targets.compose.publish": { port } }, ["targets.compose.traefik"]);
    const report = await runPreflight({ spec, cwd: root, env: path.env, out: "." });
    expect(rows(report).find((r) => r.check === `port ${port}`)).toMatchObject({
      status: "fail",
      detail: `in use on 127.0.0.1; immich-server publishes it on 0.0.0.0`,
    });
  });

  it("fails a CPU or memory limit above the host's, with the fix; passes one that fits", () => {
    const spec = truenas(mkdtempSync(join(tmpdir(), "preflight-compose-")), {
      "machineLearning.resources": { limits: { cpu: "4", memory: "8Gi" }, requests: { cpu: "500m" } },
    });
    const rowsFor = (cpus: number, gib: number) =>
      resourceChecks(
        { spec, composeDir: ".", run: async () => ({ missing: true, code: 127, stdout: "", stderr: "" }) },
        { cpus, memoryBytes: gib * 1024 ** 3 },
      );
    expect(rowsFor(2, 4)).toEqual([
      {
        check: "immich-machine-learning cpus limit",
        status: "fail",
        detail: "4 CPUs, but the host has 2: the engine refuses to start immich-machine-learning",
        fix: "lower the CPU limit of immich-machine-learning in the spec (machineLearning.resources.limits.cpu for machine learning) to 2 or less",
      },
      {
        check: "immich-machine-learning memory limit",
        status: "fail",
        detail: "8g (8.0 GiB), but the host has 4.0 GiB",
        fix: "lower the memory limit of immich-machine-learning in the spec (machineLearning.resources.limits.memory for machine learning) below 4.0 GiB",
      },
      { check: "immich-machine-learning cpus reservation", status: "pass", detail: "0.5 of the host's 2 CPUs" },
    ]);
    expect(rowsFor(8, 16).every((r) => r.status === "pass")).toBe(true);
    expect(composeMemoryBytes("512m")).toBe(512 * 1024 ** 2);
  });

  it("portFree binds a free port for a moment and reports a taken one", async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen({ host: "127.0.0.1", port: 0 }, () => r()));
    servers.push(holder);
    const port = (holder.address() as { port: number }).port;
    expect(await portFree("127.0.0.1", port)).toBe("EADDRINUSE");
    holder.close();
    servers.length = 0;
    await new Promise((r) => setTimeout(r, 20));
    expect(await portFree("127.0.0.1", port)).toBe(true);
  });

  it("allows reads owner, group and other bits for uid:gid", () => {
    expect(allows({ uid: 1000, gid: 1000, mode: 0o40700 }, 1000, 5, true)).toBe(true);
    expect(allows({ uid: 1000, gid: 1000, mode: 0o40770 }, 7, 1000, true)).toBe(true);
    expect(allows({ uid: 1000, gid: 1000, mode: 0o40755 }, 7, 8, true)).toBe(false);
    expect(allows({ uid: 1000, gid: 1000, mode: 0o40755 }, 7, 8, false)).toBe(true);
    expect(allows({ uid: 1000, gid: 1000, mode: 0o40700 }, 0, 0, true)).toBe(true);
  });
});

/** A report without what differs between machines: the test's folder, the user running it, the host's CPUs and memory. */
const hostless = (text: string, root: string) =>
  text
    .replaceAll(root, "<root>")
    .replaceAll(`${uid}:${gid}`, "<uid>:<gid>")
    .replace(/\b[0-9.]+ GiB\b/g, "<n> GiB")
    .replace(/\bthe host's [0-9]+ CPUs\b/g, "the host's <n> CPUs")
    .replace(/\bthe host has [0-9]+ CPUs\b/g, "the host has <n> CPUs");

describe("immich-family doctor --preflight", () => {
  it("prints one table per target with the fixes, needs no server, and exits 1 on a failure", async () => {
    const root = mkdtempSync(join(tmpdir(), "preflight-doctor-"));
    const path = standIns();
    fakeKubectl(path.dir, []);
    fakeDocker(path.dir, "v2.29.1");
    const io = recordingIo();
    const ctx = commandContext(root, io, path.env);
    const spec = join(root, "family.yaml");
    copyFileSync(join(EXAMPLES, "family.yaml"), spec);
    expect(await doctor(ctx, ["family.yaml"], { preflight: true, out: "rendered" })).toBe(1);
    expect(hostless(io.out.join("\n"), root)).toMatchInlineSnapshot(`
      "kubernetes preflight
      CHECK                                        STATUS  DETAIL
      cluster reachable                            PASS    Kubernetes v1.31.2
      Namespace photos                             PASS    does not exist yet: the rendered namespace.yaml creates it on \`kubectl apply -k\`
      CRD clusters.postgresql.cnpg.io              FAIL    Error from server (NotFound): crd "clusters.postgresql.cnpg.io" not found
                                                           fix: install the CloudNativePG operator (cloudnative-pg.io/documentation/current/installation_upgrade/); needed by Cluster rincewind-postgres
      CRD databases.postgresql.cnpg.io             FAIL    Error from server (NotFound): crd "databases.postgresql.cnpg.io" not found
                                                           fix: install the CloudNativePG operator (cloudnative-pg.io/documentation/current/installation_upgrade/); needed by Database rincewind-postgres-immich
      CRD scheduledbackups.postgresql.cnpg.io      FAIL    Error from server (NotFound): crd "scheduledbackups.postgresql.cnpg.io" not found
                                                           fix: install the CloudNativePG operator (cloudnative-pg.io/documentation/current/installation_upgrade/); needed by ScheduledBackup rincewind-postgres-backup
      CRD volumesnapshots.snapshot.storage.k8s.io  FAIL    Error from server (NotFound): crd "volumesnapshots.snapshot.storage.k8s.io" not found
                                                           fix: install the CSI snapshot CRDs and controller (kubernetes-csi/external-snapshotter) and a VolumeSnapshotClass, or pick another backup method; needed by ScheduledBackup rincewind-postgres-backup (method volumeSnapshot)
      CRD podmonitors.monitoring.coreos.com        FAIL    Error from server (NotFound): crd "podmonitors.monitoring.coreos.com" not found
                                                           fix: install the Prometheus Operator's CRDs (e.g. with kube-prometheus-stack), or set targets.kubernetes.database.podMonitor: false; needed by PodMonitor rincewind-postgres
      CRD clusterissuers.cert-manager.io           FAIL    Error from server (NotFound): crd "clusterissuers.cert-manager.io" not found
                                                           fix: install cert-manager (cert-manager.io/docs/installation/), or leave targets.kubernetes.ingress.clusterIssuer out; needed by Ingress rincewind-web (cert-manager.io/cluster-issuer)
      CRD pomerium.ingress.pomerium.io             FAIL    Error from server (NotFound): crd "pomerium.ingress.pomerium.io" not found
                                                           fix: install the Pomerium Ingress Controller (pomerium.com/docs/deploy/k8s/install), which brings its CRD and IngressClass; needed by Ingress rincewind-web (class pomerium)
      IngressClass pomerium                        FAIL    Error from server (NotFound): ingressclasses.networking.k8s.io "pomerium" not found
                                                           fix: install the Pomerium Ingress Controller (pomerium.com/docs/deploy/k8s/install), which brings its CRD and IngressClass
      ClusterIssuer letsencrypt-prod               FAIL    Error from server (NotFound): clusterissuer "letsencrypt-prod" not found
                                                           fix: create the cert-manager ClusterIssuer letsencrypt-prod, or set targets.kubernetes.ingress.clusterIssuer to one that exists
      StorageClass longhorn-nvme                   FAIL    Error from server (NotFound): storageclass "longhorn-nvme" not found
                                                           fix: create the storage class longhorn-nvme, or set targets.kubernetes.storageClass to one listed by \`kubectl get storageclass\`

      compose preflight
      CHECK                                        STATUS  DETAIL
      Docker Compose v2                            PASS    docker compose v2.29.1
      host path paths.media                        FAIL    /srv/immich/media does not exist; Docker would create it as root, maybe on the wrong disk
                                                           fix: mkdir -p /srv/immich/media && chown 1000:1000 /srv/immich/media
      host path paths.config                       PASS    ./data (<root>/rendered/compose/data) does not exist yet: Docker creates it beside compose.yaml at first start, and immich-init hands it to the user
      host path paths.database                     PASS    ./data/db (<root>/rendered/compose/data/db) does not exist yet: Docker creates it beside compose.yaml at first start and Postgres takes it
      host path paths.modelCache                   PASS    ./data/model-cache (<root>/rendered/compose/data/model-cache) does not exist yet: Docker creates it beside compose.yaml at first start, and immich-init hands it to the user
      host path paths.backups                      PASS    ./backups/db-backup (<root>/rendered/compose/backups/db-backup) does not exist yet: Docker creates it beside compose.yaml at first start, and immich-init hands it to the user
      host path libraries.family.hostPath          FAIL    /srv/photos/family does not exist
                                                           fix: mount or create /srv/photos/family (the library folder), or fix targets.compose.libraries.family.hostPath
      host path libraries.travel.hostPath          FAIL    /srv/photos/travel does not exist
                                                           fix: mount or create /srv/photos/travel (the library folder), or fix targets.compose.libraries.travel.hostPath
      ports free                                   SKIP    compose.yaml publishes no port (Traefik reaches the server on its network)
      immich-worker memory limit                   PASS    256m of the host's <n> GiB
      immich-worker memory reservation             PASS    128m of the host's <n> GiB

      Summary: FAIL, 9 passed, 13 failed, 0 warnings, 1 skipped"
    `);
    expect(path.calls()).toContain("docker compose version");

    const json = recordingIo();
    expect(await doctor({ ...ctx, io: json }, ["family.yaml"], { preflight: true, target: "compose", out: "rendered", output: "json" })).toBe(1);
    expect(hostless(json.out.join("\n"), root)).toMatchInlineSnapshot(`
      "{
        "ok": false,
        "summary": {
          "passed": 7,
          "failed": 3,
          "warnings": 0,
          "skipped": 1
        },
        "targets": [
          {
            "target": "compose",
            "checks": [
              {
                "check": "Docker Compose v2",
                "status": "pass",
                "detail": "docker compose v2.29.1"
              },
              {
                "check": "host path paths.media",
                "status": "fail",
                "detail": "/srv/immich/media does not exist; Docker would create it as root, maybe on the wrong disk",
                "fix": "mkdir -p /srv/immich/media && chown 1000:1000 /srv/immich/media"
              },
              {
                "check": "host path paths.config",
                "status": "pass",
                "detail": "./data (<root>/rendered/compose/data) does not exist yet: Docker creates it beside compose.yaml at first start, and immich-init hands it to the user"
              },
              {
                "check": "host path paths.database",
                "status": "pass",
                "detail": "./data/db (<root>/rendered/compose/data/db) does not exist yet: Docker creates it beside compose.yaml at first start and Postgres takes it"
              },
              {
                "check": "host path paths.modelCache",
                "status": "pass",
                "detail": "./data/model-cache (<root>/rendered/compose/data/model-cache) does not exist yet: Docker creates it beside compose.yaml at first start, and immich-init hands it to the user"
              },
              {
                "check": "host path paths.backups",
                "status": "pass",
                "detail": "./backups/db-backup (<root>/rendered/compose/backups/db-backup) does not exist yet: Docker creates it beside compose.yaml at first start, and immich-init hands it to the user"
              },
              {
                "check": "host path libraries.family.hostPath",
                "status": "fail",
                "detail": "/srv/photos/family does not exist",
                "fix": "mount or create /srv/photos/family (the library folder), or fix targets.compose.libraries.family.hostPath"
              },
              {
                "check": "host path libraries.travel.hostPath",
                "status": "fail",
                "detail": "/srv/photos/travel does not exist",
                "fix": "mount or create /srv/photos/travel (the library folder), or fix targets.compose.libraries.travel.hostPath"
              },
              {
                "check": "ports free",
                "status": "skip",
                "detail": "compose.yaml publishes no port (Traefik reaches the server on its network)"
              },
              {
                "check": "immich-worker memory limit",
                "status": "pass",
                "detail": "256m of the host's <n> GiB"
              },
              {
                "check": "immich-worker memory reservation",
                "status": "pass",
                "detail": "128m of the host's <n> GiB"
              }
            ]
          }
        ]
      }"
    `);
  });

  it("the built CLI runs it with no server and no credentials: exit 0 when everything passes", () => {
    const root = mkdtempSync(join(tmpdir(), "preflight-built-"));
    folders(root, 0o777, "media", "model-cache", "backups");
    const path = standIns();
    fakeDocker(path.dir, "v2.29.1");
    const doc = parseDocument(exampleText("truenas"));
    for (const [key, dir] of [
      ["media", "media"],
      ["modelCache", "model-cache"],
      ["backups", "backups"],
    ] as const)
      doc.setIn(["targets", "compose", "paths", key], join(root, dir));
    doc.setIn(["targets", "compose", "user"], { uid, gid });
    writeFileSync(join(root, "immich-family.yaml"), doc.toString());
    const r = spawnSync(process.execPath, [BUILT_CLI, "doctor", "--preflight", "--out", "."], {
      cwd: root,
      encoding: "utf8",
      env: { PATH: path.dir, NO_COLOR: "1" },
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(hostless(r.stdout, root)).toMatchInlineSnapshot(`
      "compose preflight
      CHECK                       STATUS  DETAIL
      Docker Compose v2           PASS    docker compose v2.29.1
      host path paths.media       PASS    <root>/media is writable by <uid>:<gid>
      host path paths.config      PASS    ./data (<root>/data) does not exist yet: Docker creates it beside compose.yaml at first start, and immich-init hands it to the user
      host path paths.database    PASS    ./data/db (<root>/data/db) does not exist yet: Docker creates it beside compose.yaml at first start and Postgres takes it
      host path paths.modelCache  PASS    <root>/model-cache is writable by <uid>:<gid>
      host path paths.backups     PASS    <root>/backups is writable by <uid>:<gid>
      ports free                  SKIP    compose.yaml publishes no port (Traefik reaches the server on its network)
      resources fit the host      SKIP    compose.yaml sets no CPU or memory limit

      Summary: PASS, 6 passed, 0 failed, 0 warnings, 2 skipped
      "
    `);
  });
});
