import { readFileSync } from "node:fs";
import { secretKeys } from "@family/immich-spec";
import { Ajv, type ValidateFunction } from "ajv";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Job } from "kubernetes-models/batch/v1/Job";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { PersistentVolume } from "kubernetes-models/v1/PersistentVolume";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Service } from "kubernetes-models/v1/Service";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  drillObjects,
  exampleNames,
  exampleSpec,
  type K8sObject,
  objects,
  renderedObjects,
  schemasDir,
  specWith,
  barmanPluginBackup,
} from "../test/helpers.js";
import { POMERIUM_ANNOTATION_KEYS } from "./ingress.js";
import { renderKubernetes } from "./render.js";

type Model = new (data: never) => { validate(): void };
const BUILT_IN: Record<string, Model> = {
  "v1/Namespace": Namespace,
  "v1/ConfigMap": ConfigMap,
  "v1/Service": Service,
  "v1/PersistentVolume": PersistentVolume,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
  "apps/v1/Deployment": Deployment,
  "batch/v1/Job": Job,
  "networking.k8s.io/v1/Ingress": Ingress,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
};
const CLUSTER_SCOPED = new Set(["Namespace", "PersistentVolume"]);

/** The CRD's schema with unknown fields rejected wherever it lists properties. */
function strict(schema: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === "properties" && v && typeof v === "object") {
      out[k] = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, strict(s as Record<string, unknown>)]));
    } else if ((k === "items" || k === "additionalProperties") && v && typeof v === "object") {
      out[k] = strict(v as Record<string, unknown>);
    } else out[k] = v;
  }
  if (out.properties && out.additionalProperties === undefined && out["x-kubernetes-preserve-unknown-fields"] !== true) out.additionalProperties = false;
  return out;
}

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, logger: false });
const crd = (file: string): ValidateFunction => {
  const doc = parse(readFileSync(new URL(file, schemasDir), "utf8"));
  const schema = strict(doc.spec.versions.find((v: { name: string }) => v.name === "v1").schema.openAPIV3Schema);
  // The API server owns metadata; the CRD only says "object".
  return ajv.compile(schema);
};
const CNPG: Record<string, ValidateFunction> = {
  "postgresql.cnpg.io/v1/Cluster": crd("postgresql.cnpg.io_clusters.yaml"),
  "postgresql.cnpg.io/v1/Database": crd("postgresql.cnpg.io_databases.yaml"),
  "postgresql.cnpg.io/v1/ScheduledBackup": crd("postgresql.cnpg.io_scheduledbackups.yaml"),
};
// The prometheus-operator CRD is not vendored (tooling/schemas): a strict subset of it, the fields we use.
const podMonitor = ajv.compile({
  type: "object",
  additionalProperties: false,
  required: ["apiVersion", "kind", "metadata", "spec"],
  properties: {
    apiVersion: { const: "monitoring.coreos.com/v1" },
    kind: { const: "PodMonitor" },
    metadata: { type: "object" },
    spec: {
      type: "object",
      additionalProperties: false,
      required: ["selector", "podMetricsEndpoints"],
      properties: {
        selector: { type: "object", additionalProperties: false, properties: { matchLabels: { type: "object", additionalProperties: { type: "string" } } } },
        podMetricsEndpoints: { type: "array", minItems: 1, items: { type: "object", additionalProperties: false, properties: { port: { type: "string" } } } },
      },
    },
  },
});

/** Problems of one rendered object; empty when valid. */
function problems(o: K8sObject): string[] {
  const id = `${o.kind}/${o.metadata.name}`;
  const out: string[] = [];
  const model = BUILT_IN[`${o.apiVersion}/${o.kind}`];
  const schema = CNPG[`${o.apiVersion}/${o.kind}`] ?? (o.kind === "PodMonitor" ? podMonitor : undefined);
  if (model) {
    try {
      new model(o as never).validate();
    } catch (e) {
      out.push(`${id}: ${(e as Error).message}`);
    }
  } else if (schema) {
    if (!schema(o)) out.push(...(schema.errors ?? []).map((e) => `${id}: ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));
  } else out.push(`${id}: no validator for ${o.apiVersion} ${o.kind}`);
  for (const [k, v] of Object.entries({ ...o.metadata.annotations, ...o.metadata.labels })) {
    if (typeof v !== "string") out.push(`${id}: metadata value of ${k} is a ${typeof v}, not a string`);
  }
  for (const k of Object.keys(o.metadata.annotations ?? {})) {
    const key = k.startsWith("ingress.pomerium.io/") ? k.slice("ingress.pomerium.io/".length) : undefined;
    if (key !== undefined && !(POMERIUM_ANNOTATION_KEYS as readonly string[]).includes(key)) out.push(`${id}: unknown Pomerium annotation ${k}`);
  }
  if (CLUSTER_SCOPED.has(o.kind) === (o.metadata.namespace !== undefined))
    out.push(`${id}: namespace ${o.metadata.namespace ?? "missing"} on a ${CLUSTER_SCOPED.has(o.kind) ? "cluster-scoped" : "namespaced"} object`);
  return out;
}

/** Specs that reach every branch of the renderer: the examples and variants of them. */
const variants = {
  ...Object.fromEntries(
    exampleNames()
      .filter((n) => exampleSpec(n).targets.kubernetes)
      .map((n) => [n, exampleSpec(n)]),
  ),
  "ponder, no superuser, plugin backup, existing claim and secret": specWith("ponder", (s) => {
    s.database.superuser = false;
    s.targets.kubernetes.database.backup = barmanPluginBackup();
    s.targets.kubernetes.libraries.fotos = { existingClaim: "photos" };
    s.targets.kubernetes.secrets = { existingSecret: "immich-keys" };
  }),
  "family, cuda, worker placement, policy": specWith("family", (s) => {
    s.machineLearning.acceleration = "cuda";
    s.targets.kubernetes.worker = { nodeSelector: { "kubernetes.io/arch": "amd64" }, tolerations: [{ key: "nas", operator: "Exists", effect: "NoSchedule" }] };
    s.targets.kubernetes.ingress.pomerium = { policy: "allow:\n  or:\n    - domain:\n        is: example.com\n" };
    s.targets.kubernetes.database.image = "registry.example.com/mirror/cloudnative-vectorchord:16-0.3.0";
    s.targets.kubernetes.database.podMonitor = true;
    s.targets.kubernetes.networkPolicies = { ingressNamespace: "ingress-nginx", monitoringNamespace: "monitoring" };
  }),
  "family, no machine learning, no worker": specWith("family", (s) => {
    s.machineLearning.enabled = false;
    s.worker.enabled = false;
  }),
};

describe.each(Object.entries(variants))("%s", (_name, spec) => {
  const rendered = objects(spec);

  it("renders objects that validate against the Kubernetes schemas and the CNPG CRDs", () => {
    expect(rendered.length).toBeGreaterThan(5);
    expect(rendered.flatMap(problems)).toEqual([]);
  });

  it("pins every image and never uses :release or :latest", () => {
    const images = rendered
      .filter((o) => o.kind === "Deployment")
      .flatMap((o) => [...(o.spec.template.spec.initContainers ?? []), ...o.spec.template.spec.containers].map((c: { image: string }) => c.image));
    for (const o of rendered.filter((o) => o.kind === "Cluster")) images.push(o.spec.imageName);
    for (const image of images) expect(image).toMatch(/^[^:]+(:\d+)?\/[^:]+:(v?\d[\w.-]*)$/);
  });

  it("refers only to volumes, ports, secrets and claims that exist", () => {
    const keys = new Set(secretKeys(spec, "kubernetes").map((k) => k.key));
    const claims = new Set(rendered.filter((o) => o.kind === "PersistentVolumeClaim").map((o) => o.metadata.name));
    const configMaps = new Set(rendered.filter((o) => o.kind === "ConfigMap").map((o) => o.metadata.name));
    const existingClaims = Object.values(spec.targets.kubernetes?.libraries ?? {}).flatMap((l) => ("existingClaim" in l ? [l.existingClaim] : []));
    for (const d of rendered.filter((o) => o.kind === "Deployment")) {
      const pod = d.spec.template.spec;
      for (const [k, v] of Object.entries(d.spec.selector.matchLabels)) expect(d.spec.template.metadata.labels[k]).toBe(v);
      const volumes = new Set(pod.volumes.map((v: { name: string }) => v.name));
      for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
        for (const m of c.volumeMounts ?? []) expect(volumes, `${d.metadata.name}/${c.name} mounts ${m.name}`).toContain(m.name);
        const ports = new Set((c.ports ?? []).map((p: { name: string }) => p.name));
        for (const probe of [c.startupProbe, c.readinessProbe, c.livenessProbe].filter(Boolean)) {
          expect(ports).toContain(probe.httpGet?.port ?? probe.tcpSocket?.port);
        }
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (!ref) continue;
          if (ref.name.endsWith("-app")) expect(["username", "password", "host", "port", "dbname", "uri"]).toContain(ref.key);
          else expect(keys).toContain(ref.key);
        }
      }
      for (const v of pod.volumes) {
        if (v.persistentVolumeClaim) expect([...claims, ...existingClaims]).toContain(v.persistentVolumeClaim.claimName);
        if (v.configMap) expect(configMaps).toContain(v.configMap.name);
      }
    }
    for (const svc of rendered.filter((o) => o.kind === "Service")) {
      const pods = rendered.filter(
        (o) => o.kind === "Deployment" && Object.entries(svc.spec.selector).every(([k, v]) => o.spec.template.metadata.labels[k] === v),
      );
      expect(pods.map((p) => p.metadata.name)).toHaveLength(1);
    }
  });

  it("writes a kustomization that lists every rendered file and generates the Secret from the env file", () => {
    const files = renderKubernetes(spec);
    const k = parse(files.find((f) => f.path === "kustomization.yaml")?.content ?? "");
    expect(Object.keys(k).every((key) => ["apiVersion", "kind", "namespace", "resources", "secretGenerator"].includes(key))).toBe(true);
    expect(k.apiVersion).toBe("kustomize.config.k8s.io/v1beta1");
    expect(k.kind).toBe("Kustomization");
    expect(new Set(k.resources)).toEqual(new Set(renderedObjects(spec).map((o) => o.file)));
    const secrets = spec.targets.kubernetes?.secrets;
    if (secrets && "envFile" in secrets) {
      expect(k.secretGenerator).toEqual([
        { name: `${spec.metadata.name}-secrets`, type: "Opaque", envs: [secrets.envFile], options: { disableNameSuffixHash: true } },
      ]);
    } else expect(k.secretGenerator).toBeUndefined();
  });

  it("lists every secret key in secrets.env.example with a comment and no value", () => {
    const example = renderKubernetes(spec).find((f) => f.path === "secrets.env.example")?.content ?? "";
    const lines = example.split("\n");
    for (const { key } of secretKeys(spec, "kubernetes")) {
      const i = lines.indexOf(`${key}=`);
      expect(i, key).toBeGreaterThan(0);
      expect(lines[i - 1]).toMatch(/^# /);
    }
    expect(lines.filter((l) => /^[A-Z_]+=./.test(l))).toEqual([]);
  });
});

// The restore drill's objects, rendered on demand by `backup verify --target kubernetes`, pass the same checks.
const drills = {
  "family, volume snapshot": drillObjects(exampleSpec("family"), {
    snapshots: { backup: "rincewind-postgres-backup-1", storage: "rincewind-postgres-backup-1" },
  }),
  "ponder, Barman Cloud plugin, existing claim": drillObjects(
    specWith("ponder", (s) => {
      s.targets.kubernetes.database.backup = barmanPluginBackup();
      s.targets.kubernetes.libraries.fotos = { existingClaim: "photos" };
    }),
  ),
};

describe.each(Object.entries(drills))("restore drill of %s", (_name, rendered) => {
  it("renders objects that validate against the Kubernetes schemas and the CNPG CRDs", () => {
    expect(rendered.map((o) => o.object.kind).sort()).toEqual(["Cluster", "ConfigMap", "Job", "NetworkPolicy", "NetworkPolicy"]);
    expect(rendered.flatMap((o) => problems(o.object))).toEqual([]);
  });

  it("pins its images", () => {
    for (const { object: o } of rendered) {
      const image = o.kind === "Cluster" ? o.spec.imageName : o.kind === "Job" ? o.spec.template.spec.containers[0].image : undefined;
      if (image !== undefined) expect(image).toMatch(/^[^:]+(:\d+)?\/[^:]+:(v?\d[\w.-]*)$/);
    }
  });
});

describe("the validators", () => {
  const spec = exampleSpec("family");
  const base = objects(spec);
  const mutated = (kind: string, edit: (o: K8sObject) => void) => {
    const o = structuredClone(base.find((x) => x.kind === kind) as K8sObject);
    edit(o);
    return problems(o);
  };

  it("reject what the seed got wrong: boolean annotations, unknown Pomerium keys, a namespaced PV", () => {
    expect(mutated("Ingress", (o) => (o.metadata.annotations = { "ingress.pomerium.io/allow_websockets": true }))).not.toEqual([]);
    expect(mutated("Ingress", (o) => (o.metadata.annotations = { "ingress.pomerium.io/allow_everything": "true" }))).toEqual([
      expect.stringContaining("unknown Pomerium annotation"),
    ]);
    expect(mutated("PersistentVolume", (o) => (o.metadata.namespace = "photos"))).toEqual([expect.stringContaining("cluster-scoped")]);
  });

  it("reject unknown and mistyped fields in CNPG objects", () => {
    expect(mutated("Cluster", (o) => (o.spec.enablePodMonitor = true))).not.toEqual([]);
    expect(mutated("Cluster", (o) => (o.spec.instances = "two"))).not.toEqual([]);
    expect(mutated("Database", (o) => (o.spec.extensions[0].cascade = true))).not.toEqual([]);
    expect(mutated("ScheduledBackup", (o) => delete o.spec.cluster)).not.toEqual([]);
  });

  it("reject a misspelt recovery source and a mistyped Job", () => {
    const drill = drillObjects(spec, { snapshots: { backup: "b", storage: "b" } }).map((o) => o.object);
    const edit = (kind: string, change: (o: K8sObject) => void) => {
      const o = structuredClone(drill.find((x) => x.kind === kind) as K8sObject);
      change(o);
      return problems(o);
    };
    expect(edit("Cluster", (o) => (o.spec.bootstrap.recovery.volumeSnapshot = o.spec.bootstrap.recovery.volumeSnapshots))).not.toEqual([]);
    expect(edit("Cluster", (o) => delete o.spec.bootstrap.recovery.volumeSnapshots.storage.kind)).not.toEqual([]);
    expect(edit("Job", (o) => (o.spec.backoffLimit = "0"))).not.toEqual([]);
  });

  it("reject mistyped built-in objects", () => {
    expect(mutated("Deployment", (o) => (o.spec.replicas = "1"))).not.toEqual([]);
    expect(mutated("NetworkPolicy", (o) => (o.spec.ingress[0].ports[0].port = [5432]))).not.toEqual([]);
    expect(mutated("NetworkPolicy", (o) => delete o.spec.podSelector)).not.toEqual([]);
  });
});
