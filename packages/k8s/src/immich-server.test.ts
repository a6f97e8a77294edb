import { describe, expect, it } from "vitest";
import { container, envOf, exampleSpec, find, objects, specWith } from "../test/helpers.js";

describe("ImmichServer", () => {
  const ponder = objects(exampleSpec("ponder"));
  const server = find(ponder, "Deployment", "ponder-server");

  it("pins the server image to the spec's version", () => {
    expect(container(server, "server").image).toBe("ghcr.io/immich-app/immich-server:v3.1.0");
    const v3 = find(objects(specWith("ponder", (s) => (s.immich.version = "v3.1.0"))), "Deployment", "ponder-server");
    expect(container(v3, "server").image).toBe("ghcr.io/immich-app/immich-server:v3.1.0");
  });

  it("reads the database from CNPG's -rw service and -app secret, and the rest of its env from the spec", () => {
    expect(envOf(container(server, "server"))).toEqual({
      DB_HOSTNAME: "ponder-postgres-rw",
      DB_PORT: "secret:ponder-postgres-app/port",
      DB_USERNAME: "secret:ponder-postgres-app/username",
      DB_PASSWORD: "secret:ponder-postgres-app/password",
      DB_DATABASE_NAME: "secret:ponder-postgres-app/dbname",
      DB_VECTOR_EXTENSION: "vectorchord",
      REDIS_HOSTNAME: "ponder-redis",
      REDIS_PORT: "6379",
      IMMICH_MACHINE_LEARNING_URL: "http://ponder-machine-learning.immich.svc:3003",
      IMMICH_MEDIA_LOCATION: "/data",
      IMMICH_CONFIG_FILE: "/config/immich-config.yaml",
    });
  });

  it("adds the spec's extra non-secret environment (immich.environment) to the server", () => {
    const spec = specWith("ponder", (s) => {
      s.immich.environment = { IMMICH_LOG_LEVEL: "verbose", IMMICH_WORKERS_INCLUDE: "api" };
    });
    const env = envOf(container(find(objects(spec), "Deployment", "ponder-server"), "server"));
    expect(env).toMatchObject({ IMMICH_LOG_LEVEL: "verbose", IMMICH_WORKERS_INCLUDE: "api", DB_HOSTNAME: "ponder-postgres-rw" });
  });

  it("adds TZ, trusted proxies and the Redis password reference when the spec has them", () => {
    const spec = specWith("ponder", (s) => {
      s.immich.timezone = "Europe/Madrid";
      s.immich.trustedProxies = ["10.0.0.0/8", "192.168.1.1"];
      s.redis = { password: `\${QUEUE_PASSWORD}` };
      s.metadata.name = "smiths";
      s.targets.kubernetes.namespace = "family-photos";
    });
    const env = envOf(container(find(objects(spec), "Deployment", "smiths-server"), "server"));
    expect(env).toMatchObject({
      TZ: "Europe/Madrid",
      IMMICH_TRUSTED_PROXIES: "10.0.0.0/8,192.168.1.1",
      REDIS_PASSWORD: "secret:smiths-secrets/QUEUE_PASSWORD",
      DB_HOSTNAME: "smiths-postgres-rw",
      IMMICH_MACHINE_LEARNING_URL: "http://smiths-machine-learning.family-photos.svc:3003",
    });
  });

  it("has no machine-learning URL when machine learning is off", () => {
    const list = objects(specWith("ponder", (s) => (s.machineLearning.enabled = false)));
    expect(envOf(container(find(list, "Deployment", "ponder-server"), "server")).IMMICH_MACHINE_LEARNING_URL).toBeUndefined();
    expect(list.filter((o) => o.metadata.name === "ponder-machine-learning")).toEqual([]);
  });

  it("fills the config template in an init container from the Secret, onto a memory volume the server reads", () => {
    const init = container(server, "config-fill", true);
    expect(init.image).toBe("ghcr.io/immich-family/immich-family:0.1.0");
    expect(init.command).toEqual(["immich-family", "config", "fill", "--template", "/template/immich-config.yaml.tmpl", "--out", "/config/immich-config.yaml"]);
    expect(envOf(init)).toEqual({
      IMMICH_OAUTH_CLIENT_ID: "secret:ponder-secrets/IMMICH_OAUTH_CLIENT_ID",
      IMMICH_OAUTH_CLIENT_SECRET: "secret:ponder-secrets/IMMICH_OAUTH_CLIENT_SECRET",
    });
    const template = find(ponder, "ConfigMap", "ponder-config-template");
    expect(template.data["immich-config.yaml.tmpl"]).toContain(`\${IMMICH_OAUTH_CLIENT_SECRET}`);
    expect(server.spec.template.spec.volumes).toContainEqual({ name: "config", emptyDir: { medium: "Memory" } });
    expect(container(server, "server").volumeMounts).toContainEqual({ name: "config", mountPath: "/config", readOnly: true });
    const custom = find(objects(specWith("ponder", (s) => (s.worker.image = "registry.lan/immich-family:1.2.3"))), "Deployment", "ponder-server");
    expect(container(custom, "config-fill", true).image).toBe("registry.lan/immich-family:1.2.3");
  });

  it("restarts the server when the config changes", () => {
    const before = server.spec.template.metadata.annotations["immich-family.dev/config-checksum"];
    const after = find(objects(specWith("ponder", (s) => (s.auth.oauth.autoLaunch = false))), "Deployment", "ponder-server");
    expect(after.spec.template.metadata.annotations["immich-family.dev/config-checksum"]).not.toBe(before);
  });

  it("probes Immich's ping endpoint with at least five minutes of start-up grace", () => {
    const c = container(server, "server");
    expect(c.ports).toEqual([{ name: "http", containerPort: 2283 }]);
    for (const probe of [c.startupProbe, c.readinessProbe, c.livenessProbe]) expect(probe.httpGet).toEqual({ path: "/api/server/ping", port: "http" });
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBeGreaterThanOrEqual(300);
  });

  it("takes resources from the spec and mounts the upload claim at /data", () => {
    const c = container(server, "server");
    expect(c.resources).toEqual({ requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "4", memory: "4Gi" } });
    expect(c.volumeMounts).toContainEqual({ name: "upload", mountPath: "/data" });
    expect(JSON.stringify(server)).not.toContain("/usr/src/app/upload");
    expect(server.spec.strategy).toEqual({ type: "Recreate" });
    const changed = find(
      objects(specWith("ponder", (s) => (s.targets.kubernetes.resources.server = { limits: { cpu: "6", memory: "8Gi" } }))),
      "Deployment",
      "ponder-server",
    );
    expect(container(changed, "server").resources).toEqual({ limits: { cpu: "6", memory: "8Gi" } });
  });

  it("exposes the server on a Service selecting its pods", () => {
    const svc = find(ponder, "Service", "ponder-server");
    expect(svc.spec.ports).toEqual([{ name: "http", port: 2283, targetPort: "http", protocol: "TCP" }]);
    expect(server.spec.template.metadata.labels).toMatchObject(svc.spec.selector);
  });
});

describe("UploadVolume", () => {
  it("claims the upload size on the default storage class, or the upload's own", () => {
    expect(find(objects(exampleSpec("ponder")), "PersistentVolumeClaim", "ponder-upload").spec).toEqual({
      accessModes: ["ReadWriteOnce"],
      storageClassName: "longhorn-nvme",
      resources: { requests: { storage: "100Gi" } },
    });
    const spec = specWith("ponder", (s) => {
      s.targets.kubernetes.upload = { size: "1Ti", storageClass: "longhorn-hdd" };
      s.targets.kubernetes.storageClass = "standard";
    });
    const list = objects(spec);
    expect(find(list, "PersistentVolumeClaim", "ponder-upload").spec).toMatchObject({
      storageClassName: "longhorn-hdd",
      resources: { requests: { storage: "1Ti" } },
    });
    expect(find(list, "Cluster", "ponder-postgres").spec.storage.storageClass).toBe("standard");
  });

  it("leaves the storage class to the cluster's default when the spec names none", () => {
    const list = objects(specWith("ponder", (s) => delete s.targets.kubernetes.storageClass));
    expect(find(list, "PersistentVolumeClaim", "ponder-upload").spec.storageClassName).toBeUndefined();
    expect(find(list, "Cluster", "ponder-postgres").spec.storage.storageClass).toBeUndefined();
  });
});
