import { parseSpec } from "@family/immich-spec";
import { describe, expect, it } from "vitest";
import { container, envOf, exampleSpec, find, objects, specWith } from "../test/helpers.js";

describe("Worker", () => {
  const spec = exampleSpec("family");
  const list = objects(spec);
  const worker = find(list, "Deployment", "rincewind-worker");
  const c = container(worker, "worker");

  it("runs the worker image on its spec with the API keys from the Secret and the server in-cluster", () => {
    expect(c.image).toBe("ghcr.io/immich-family/immich-family:0.1.0");
    expect(c.command).toEqual(["immich-family", "worker", "/etc/immich-family/worker-spec.yaml", "--port", "9464", "--state-dir", "/state"]);
    expect(envOf(c)).toEqual({
      IMMICH_URL: "http://rincewind-server:2283/api",
      IMMICH_API_KEY: "secret:rincewind-secrets/IMMICH_API_KEY",
      IMMICH_API_KEY_TWOFLOWER: "secret:rincewind-secrets/IMMICH_API_KEY_TWOFLOWER",
    });
    expect(c.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "http" });
    expect(c.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(c.ports).toEqual([{ name: "http", containerPort: 9464 }]);
  });

  it("mounts its spec from a ConfigMap holding the spec as YAML, which parses back to the same spec", () => {
    expect(c.volumeMounts).toContainEqual({ name: "spec", mountPath: "/etc/immich-family", readOnly: true });
    const cm = find(list, "ConfigMap", "rincewind-worker-spec");
    const text = cm.data["worker-spec.yaml"];
    expect(text).toContain(`apiKey: \${IMMICH_API_KEY_TWOFLOWER}`);
    const reparsed = parseSpec(text);
    if (!reparsed.ok) throw new Error(reparsed.errors.map((e) => `${e.path}: ${e.message}`).join("\n"));
    expect(reparsed.value).toEqual({ ...spec, targets: { kubernetes: spec.targets.kubernetes } });
  });

  it("is placed by the spec's node selector and tolerations", () => {
    expect(worker.spec.template.spec.nodeSelector).toBeUndefined();
    const placed = specWith("family", (s) => {
      s.targets.kubernetes.worker = { nodeSelector: { "kubernetes.io/arch": "arm64" }, tolerations: [{ key: "nas", operator: "Exists" }] };
    });
    const pod = find(objects(placed), "Deployment", "rincewind-worker").spec.template.spec;
    expect(pod.nodeSelector).toEqual({ "kubernetes.io/arch": "arm64" });
    expect(pod.tolerations).toEqual([{ key: "nas", operator: "Exists" }]);
  });

  it("runs least-privileged: non-root, no capabilities, read-only root with a small /tmp, default seccomp, a memory limit, no API token", () => {
    expect(c.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(worker.spec.template.spec.securityContext).toEqual({ seccompProfile: { type: "RuntimeDefault" }, fsGroup: 1000 });
    expect(worker.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(c.volumeMounts).toContainEqual({ name: "tmp", mountPath: "/tmp" });
    expect(worker.spec.template.spec.volumes).toContainEqual({ name: "tmp", emptyDir: { sizeLimit: "64Mi" } });
    // Writable: only /tmp and the state folder; the spec and the libraries are read-only.
    expect(c.volumeMounts.filter((m: { readOnly?: boolean }) => !m.readOnly).map((m: { mountPath: string }) => m.mountPath)).toEqual(["/state", "/tmp"]);
    expect(c.resources).toEqual({ requests: { memory: "128Mi" }, limits: { memory: "256Mi" } });
    const sized = find(
      objects(
        specWith("family", (s) => (s.targets.kubernetes.resources = { worker: { requests: { cpu: "50m", memory: "200Mi" }, limits: { memory: "400Mi" } } })),
      ),
      "Deployment",
      "rincewind-worker",
    );
    expect(container(sized, "worker").resources).toEqual({ requests: { cpu: "50m", memory: "200Mi" }, limits: { memory: "400Mi" } });
  });

  it("is not rendered when the worker is disabled", () => {
    const off = objects(specWith("family", (s) => (s.worker.enabled = false)));
    expect(off.filter((o) => o.metadata.name.startsWith("rincewind-worker"))).toEqual([]);
  });
});

describe("Redis and MachineLearning", () => {
  it("runs Valkey with the spec's image, resources and password from the Secret", () => {
    const ponder = find(objects(exampleSpec("ponder")), "Deployment", "ponder-redis");
    const redis = container(ponder, "redis");
    expect(redis.image).toBe("docker.io/valkey/valkey:8.1.4-alpine");
    expect(redis.resources).toEqual({ requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } });
    expect(redis.args).toEqual(["--save", ""]);
    expect(redis.command).toBeUndefined();
    expect(redis.env).toBeUndefined();
    const fam = container(find(objects(exampleSpec("family")), "Deployment", "rincewind-redis"), "redis");
    expect(fam.args).toBeUndefined();
    expect(fam.command.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
    expect(fam.command[2].split("\n")).toEqual([
      "set -eu",
      `pw=$$(printf '%s' "$REDISCLI_AUTH" | sed 's/[\\\\"]/\\\\&/g')`,
      "exec docker-entrypoint.sh valkey-server - <<EOF",
      'requirepass "$pw"',
      'save ""',
      "EOF",
      "",
    ]);
    expect(envOf(fam)).toEqual({ REDISCLI_AUTH: "secret:rincewind-secrets/REDIS_PASSWORD" });
    const other = specWith("ponder", (s) => (s.targets.kubernetes.redisImage = "docker.io/library/redis:7.4.2-alpine"));
    expect(container(find(objects(other), "Deployment", "ponder-redis"), "redis").image).toBe("docker.io/library/redis:7.4.2-alpine");
  });

  it("runs machine learning pinned to the Immich version, suffixed by acceleration, with a cache and ping probes", () => {
    const ml = find(objects(exampleSpec("ponder")), "Deployment", "ponder-machine-learning");
    const c = container(ml, "machine-learning");
    expect(c.image).toBe("ghcr.io/immich-app/immich-machine-learning:v3.1.0");
    expect(c.volumeMounts).toEqual([{ name: "cache", mountPath: "/cache" }]);
    expect(c.readinessProbe.httpGet).toEqual({ path: "/ping", port: "http" });
    expect(c.ports).toEqual([{ name: "http", containerPort: 3003 }]);
    expect(c.resources).toEqual({ requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "4", memory: "4Gi" } });
    for (const [acceleration, suffix] of [
      ["cuda", "-cuda"],
      ["rocm", "-rocm"],
      ["openvino", "-openvino"],
      ["armnn", "-armnn"],
      ["rknn", "-rknn"],
    ]) {
      const spec = specWith("ponder", (s) => (s.machineLearning.acceleration = acceleration));
      expect(container(find(objects(spec), "Deployment", "ponder-machine-learning"), "machine-learning").image).toBe(
        `ghcr.io/immich-app/immich-machine-learning:v3.1.0${suffix}`,
      );
    }
    const cuda = find(objects(specWith("ponder", (s) => (s.machineLearning.acceleration = "cuda"))), "Deployment", "ponder-machine-learning");
    expect(container(cuda, "machine-learning").resources.limits["nvidia.com/gpu"]).toBe("1");
    const svc = find(objects(exampleSpec("ponder")), "Service", "ponder-machine-learning");
    expect(svc.spec.ports[0].port).toBe(3003);
  });
});

describe("labels and namespace", () => {
  it("labels every object with the recommended labels and puts namespaced objects in the spec's namespace", () => {
    const list = objects(specWith("ponder", (s) => (s.targets.kubernetes.namespace = "photos")));
    expect(find(list, "Namespace", "photos")).toBeDefined();
    for (const o of list) {
      expect(Object.keys(o.metadata.labels ?? {})).toEqual(
        expect.arrayContaining([
          "app.kubernetes.io/name",
          "app.kubernetes.io/instance",
          "app.kubernetes.io/component",
          "app.kubernetes.io/part-of",
          "app.kubernetes.io/managed-by",
          "app.kubernetes.io/version",
        ]),
      );
      expect(o.metadata.labels?.["app.kubernetes.io/instance"]).toBe("ponder");
      expect(o.metadata.name.startsWith("ponder") || o.kind === "Namespace").toBe(true);
      if (o.kind !== "Namespace" && o.kind !== "PersistentVolume") expect(o.metadata.namespace).toBe("photos");
    }
  });
});
