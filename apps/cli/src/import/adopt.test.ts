import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildComposeFile, renderCompose } from "@family/immich-compose";
import { renderKubernetes } from "@family/immich-k8s";
import { parseAllDocuments, parse } from "yaml";
import { describe, expect, it } from "vitest";
import { runImport } from "../commands/import.js";
import { DEFAULT_IMMICH_VERSION } from "../_new-spec.js";
import { exampleSpec } from "../../test/helpers.js";
import type { DraftObject } from "./_draft.js";
import { interpolate, parseEnvFile } from "./_dotenv.js";
import { ImportFolder } from "./_read.js";
import { readManifests } from "./kubernetes-folder.js";

const FIXTURES = new URL("../../test/fixtures/adopt/", import.meta.url).pathname;

const keyOf = (v: unknown) => (typeof v === "string" ? /^\$\{([A-Z_][A-Z0-9_]*)/.exec(v)?.[1] : undefined);

/** What a running Compose install depends on: data binds, DB identity, secret keys, host names, networks, uid:gid. */
function composeIdentities(doc: DraftObject, dir: string) {
  const envFile = join(dir, ".env");
  const values = existsSync(envFile) ? parseEnvFile(readFileSync(envFile, "utf8")).values : new Map<string, string>();
  const env = (name: string) => values.get(name);
  const abs = (p: string) => (/^\.\.?\//.test(p) ? resolve(dir, p) : p);
  const services = doc.services as Record<string, DraftObject>;
  const entry = (re: RegExp) => Object.entries(services).find(([, s]) => re.test(String(s.image))) as [string, DraftObject];
  const binds = (s: DraftObject) =>
    (s.volumes as string[]).map((v) => {
      const [source = "", target = ""] = interpolate(v, env).split(":");
      return { source: abs(source), target };
    });
  const envOf = (s: DraftObject): Record<string, string> => (s.environment ?? {}) as Record<string, string>;
  const [serverName, server] = entry(/immich-server/);
  const [dbName, db] = entry(/immich-app\/postgres/);
  const [redisName] = entry(/valkey|redis/);
  const serverEnv = envOf(server);
  return {
    serverName,
    media: binds(server).find((b) => b.target === "/data" || b.target === "/usr/src/app/upload"),
    database: binds(db).find((b) => b.target.startsWith("/var/lib/postgresql")),
    dbUser: interpolate(envOf(db).POSTGRES_USER ?? "", env),
    dbName: interpolate(envOf(db).POSTGRES_DB ?? "", env),
    dbPasswordKey: keyOf(envOf(db).POSTGRES_PASSWORD),
    // The server finds the database and Redis by service name (the official compose relies on the defaults).
    dbHost: serverEnv.DB_HOSTNAME ?? "database",
    dbHostIsService: (serverEnv.DB_HOSTNAME ?? "database") === dbName,
    redisHost: serverEnv.REDIS_HOSTNAME ?? "redis",
    redisHostIsService: (serverEnv.REDIS_HOSTNAME ?? "redis") === redisName,
    serverDbPasswordKey: keyOf(serverEnv.DB_PASSWORD) ?? "DB_PASSWORD",
    redisPasswordKey: keyOf(serverEnv.REDIS_PASSWORD),
    user: server.user ?? "0:0",
    // Networks the install expects to exist already (Traefik's).
    externalNetworks: Object.values((doc.networks ?? {}) as Record<string, DraftObject>)
      .filter((n) => n.external)
      .map((n) => n.name)
      .sort(),
  };
}

/** What a running Kubernetes install depends on: PVs and their handles, the claims the server mounts, the CNPG names. */
function kubernetesIdentities(objects: DraftObject[]) {
  const server = objects.find((o) => o.kind === "Deployment" && JSON.stringify(o.spec.template.spec.containers).includes("immich-server")) as DraftObject;
  const container = server.spec.template.spec.containers.find((c: DraftObject) => String(c.image).includes("immich-server"));
  const claims = Object.fromEntries(
    container.volumeMounts
      .map((m: DraftObject) => [m.mountPath, server.spec.template.spec.volumes.find((v: DraftObject) => v.name === m.name)?.persistentVolumeClaim?.claimName])
      .filter(([, c]: [string, unknown]) => c),
  );
  const cluster = objects.find((o) => o.kind === "Cluster") as DraftObject;
  return {
    namespace: server.metadata.namespace,
    claims,
    volumes: objects
      .filter((o) => o.kind === "PersistentVolume")
      .map((pv) => ({
        name: pv.metadata.name,
        handle: pv.spec.csi.volumeHandle,
        attributes: pv.spec.csi.volumeAttributes,
        storageClassName: pv.spec.storageClassName,
      })),
    boundClaims: objects
      .filter((o) => o.kind === "PersistentVolumeClaim" && o.spec.volumeName)
      .map((c) => [c.metadata.name, c.spec.volumeName, c.spec.storageClassName]),
    cluster: {
      name: cluster.metadata.name,
      database: cluster.spec.bootstrap.initdb.database,
      owner: cluster.spec.bootstrap.initdb.owner,
      imageName: cluster.spec.imageName,
    },
  };
}

describe("adopting the fixture installs: import, render, the stateful identities are unchanged", () => {
  it.each(["official-compose", "truenas-compose"])("%s", async (name) => {
    const dir = join(FIXTURES, name);
    const file = ["docker-compose.yml", "compose.yaml"].map((f) => join(dir, f)).find((f) => existsSync(f)) as string;
    const before = composeIdentities(parse(readFileSync(file, "utf8")), dir);
    const { spec, text, secrets } = await runImport({ compose: dir });
    const after = composeIdentities(buildComposeFile(spec) as unknown as DraftObject, dir);
    expect(after).toEqual(before);
    expect(before.database?.source).toBe(resolve(dir, name === "official-compose" ? "postgres" : "data/db"));
    // Secrets become key names; their values never reach the spec.
    expect(text).not.toContain("fixture-not-a-real-password");
    expect(secrets.map((s) => s.key)).toContain(before.dbPasswordKey);
  });

  it("ponder-k8s (seed 000)", async () => {
    const dir = join(FIXTURES, "ponder-k8s");
    const before = kubernetesIdentities(readManifests(ImportFolder.open(dir, ".", "--kubernetes"), () => {}).map((o) => o.raw as DraftObject));
    const { spec, text } = await runImport({ kubernetes: dir });
    const rendered = renderKubernetes(spec)
      .filter((f) => f.path.endsWith(".yaml") && f.path !== "kustomization.yaml")
      .flatMap((f) => parseAllDocuments(f.content, { version: "1.1" }).map((d) => d.toJS() as DraftObject));
    expect(kubernetesIdentities(rendered)).toEqual(before);
    expect(before.volumes[0]?.handle).toBe("luggage-ponder-fotos-nfs-octavo");
    expect(before.claims).toEqual({ "/usr/src/app/upload": "immich-upload-pvc", "/mnt/nas/photos": "ponder-fotos-pvc" });
    // The Ingress's cert-manager annotation names the issuer the render annotates it with again.
    expect(spec.targets.kubernetes?.ingress?.clusterIssuer).toBe("letsencrypt-prod");
    expect(text).not.toContain("fixture-not-a-real-password");
    expect(text).toContain(`version: ${DEFAULT_IMMICH_VERSION} # guessed: the server image is not pinned (ghcr.io/immich-app/immich-server:release)`);
  });

  it("a rendered Compose folder: the router that refuses the first-admin sign-up is not taken for the web router", async () => {
    const dir = mkdtempSync(join(tmpdir(), "adopt-rendered-"));
    try {
      const spec = exampleSpec("truenas", {}, ["hosts.mobile", "auth.oauth.mobileRedirectHost", "targets.compose.traefik.forwardAuth"]);
      for (const f of renderCompose(spec)) if (f.path === "compose.yaml") writeFileSync(join(dir, f.path), f.content);
      expect(readFileSync(join(dir, "compose.yaml"), "utf8")).toContain("immich-admin-sign-up.middlewares");
      const imported = (await runImport({ compose: dir })).spec;
      expect(imported.hosts.web).toBe("photos.example.org");
      expect(imported.targets.compose?.traefik).toEqual(spec.targets.compose?.traefik);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
