import { CLUSTER_ISSUER_ANNOTATION, escapeControl, NFS_CSI_DRIVER } from "@family/immich-spec";
import { parseAllDocuments } from "yaml";
import { DEFAULT_IMMICH_VERSION } from "../_new-spec.js";
import { CliError } from "../_errors.js";
import { type DraftObject, type ImportDraft, toHandle, uniqueHandle } from "./_draft.js";
import type { ImportFolder } from "./_read.js";
import { importServerEnvironment } from "./_server-environment.js";
import { isMapping, type Mapping, type Note, Shape } from "./_shape.js";

/** One object of the manifests: its kind and name checked, everything else read through a {@link Shape}. */
export interface K8sObject {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly apiVersion: string;
  /** The whole object, as parsed. */
  readonly raw: Mapping;
  /** A reader of its values whose notes name the object. */
  readonly shape: Shape;
}

/**
 * Every object of the folder's YAML files (kustomization files skipped): each file read defensively, every
 * document parsed, and a document that is not an object with a `kind` and a `metadata.name` passed over.
 */
export function readManifests(folder: ImportFolder, note: Note): K8sObject[] {
  const out: K8sObject[] = [];
  for (const rel of folder.yamlFiles()) {
    const text = folder.readText(rel) ?? "";
    for (const doc of parseAllDocuments(text, { merge: true, prettyErrors: false })) {
      const error = doc.errors[0];
      if (error) throw new CliError("bad-arguments", `${folder.name(rel)}: not valid YAML: ${escapeControl(error.message.split("\n")[0] ?? "")}`);
      let o: unknown;
      try {
        o = doc.toJS({ maxAliasCount: 1000 });
      } catch (cause) {
        throw new CliError("bad-arguments", `${folder.name(rel)}: ${escapeControl((cause as Error).message)}`, { cause });
      }
      if (!isMapping(o) || o.kind === "Kustomization") continue;
      const top = new Shape(note, `kubernetes: ${folder.name(rel)}`);
      const kind = top.text(o, ["kind"]);
      const name = top.text(o, ["metadata", "name"]);
      if (!kind || !name) continue;
      const namespace = top.text(o, ["metadata", "namespace"]);
      out.push({
        kind,
        name,
        ...(namespace ? { namespace } : {}),
        apiVersion: top.text(o, ["apiVersion"]) ?? "",
        raw: o,
        shape: new Shape(note, `kubernetes: ${kind} ${name}`),
      });
    }
  }
  return out;
}

const tagOf = (image: string) => /:([^:/@]+)(@.*)?$/.exec(image)?.[1];

const BASE = ["targets", "kubernetes"] as const;

/** What every section of the Kubernetes import reads: the draft, the objects, and the server's Deployment and container. */
interface KubernetesImport {
  readonly draft: ImportDraft;
  readonly objects: readonly K8sObject[];
  readonly server: K8sObject | undefined;
  readonly container: { readonly c: Mapping; readonly image: string } | undefined;
}

const containersOf = (d: K8sObject) =>
  (d.shape.list(d.raw, ["spec", "template", "spec", "containers"]) ?? []).filter(isMapping).map((c) => ({ c, image: d.shape.text(c, ["image"]) ?? "" }));
const ofKind = (objects: readonly K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const byName = (objects: readonly K8sObject[], kind: string, name: string) => ofKind(objects, kind).find((o) => o.name === name);

/** The CloudNativePG Cluster: name, instances, storage, parameters, database and owner, image versions, superuser. */
function kubernetesCluster({ draft, objects }: KubernetesImport): void {
  const cluster = ofKind(objects, "Cluster").find((c) => c.apiVersion.startsWith("postgresql.cnpg.io/"));
  if (!cluster) {
    draft.unmap("kubernetes: no CloudNativePG Cluster; the render adds one");
    return;
  }
  const { raw, shape } = cluster;
  draft.set([...BASE, "database", "clusterName"], cluster.name);
  const instances = shape.number(raw, ["spec", "instances"]);
  if (instances) draft.set([...BASE, "database", "instances"], instances);
  const size = shape.text(raw, ["spec", "storage", "size"], true);
  const storageClass = shape.text(raw, ["spec", "storage", "storageClass"]);
  if (size) draft.set([...BASE, "database", "storage"], { size, ...(storageClass ? { storageClass } : {}) });
  const parameters = shape.textMap(raw, ["spec", "postgresql", "parameters"]);
  if (parameters.size > 0) draft.set([...BASE, "database", "parameters"], Object.fromEntries(parameters));
  const initdb = ["spec", "bootstrap", "initdb"];
  // CloudNativePG's own defaults when the Cluster does not say (bootstrap.initdb.database/owner: app).
  draft.set(["database", "name"], shape.text(raw, [...initdb, "database"]) || "app");
  draft.set(["database", "user"], shape.text(raw, [...initdb, "owner"]) || "app");
  const m = /^([0-9]+)-([0-9]+\.[0-9]+\.[0-9]+)$/.exec(tagOf(shape.text(raw, ["spec", "imageName"]) ?? "") ?? "");
  if (m) {
    draft.set(["database", "postgresMajor"], Number(m[1]));
    draft.set(["database", "vectorVersion"], m[2]);
  }
  const sqlOf = (key: string) => (shape.list(raw, [...initdb, key]) ?? []).flatMap((_, i) => shape.text(raw, [...initdb, key, i]) ?? []);
  const sql = [...sqlOf("postInitSQL"), ...sqlOf("postInitApplicationSQL")].join("\n");
  const roles = (shape.list(raw, ["spec", "managed", "roles"]) ?? []).filter(isMapping);
  draft.set(["database", "superuser"], /SUPERUSER/i.test(sql) || roles.some((r) => r.superuser === true));
  const secret = shape.text(raw, [...initdb, "secret", "name"]);
  if (secret)
    draft.unmap(
      `kubernetes: the CNPG bootstrap secret ${secret} (the render lets CNPG generate ${cluster.name}-app; an existing cluster keeps its role and password)`,
    );
}

/** The server container: its version, its literal environment through the server-environment table, and the claims it mounts by path. */
function kubernetesServer({ draft, server, container }: KubernetesImport): Map<string, string> {
  const claimAt = new Map<string, string>();
  if (!server || !container) return claimAt;
  const podVolumes = (server.shape.list(server.raw, ["spec", "template", "spec", "volumes"]) ?? []).filter(isMapping);
  for (const vm of (server.shape.list(container.c, ["volumeMounts"]) ?? []).filter(isMapping)) {
    const volume = podVolumes.find((v) => v.name === vm.name);
    const claim = volume ? server.shape.text(volume, ["persistentVolumeClaim", "claimName"]) : undefined;
    const path = server.shape.text(vm, ["mountPath"]);
    if (claim && path) claimAt.set(path, claim);
  }
  const tag = tagOf(container.image);
  if (tag && /^v[0-9]+\.[0-9]+\.[0-9]+$/.test(tag)) draft.set(["immich", "version"], tag);
  else draft.setDefault(["immich", "version"], DEFAULT_IMMICH_VERSION, `the server image is not pinned (${container.image}); pin the release you run`);
  // Only literal values: a value from a Secret is the cluster's (CloudNativePG's -app), never copied.
  const env: Record<string, string> = {};
  for (const e of (server.shape.list(container.c, ["env"]) ?? []).filter(isMapping)) {
    const name = server.shape.text(e, ["name"]);
    const value = e.valueFrom === undefined ? server.shape.text(e, ["value"], true) : undefined;
    if (name && value !== undefined) env[name] = value;
  }
  importServerEnvironment(draft, env, "kubernetes");
  return claimAt;
}

/** The claim mounted as Immich's media folder: its name, size and storage class, and the media location. */
function kubernetesMedia({ draft, objects }: KubernetesImport, claimAt: ReadonlyMap<string, string>): string | undefined {
  const mediaPath = [...claimAt.keys()].find((p) => p === "/usr/src/app/upload" || p === "/data");
  if (!mediaPath) {
    draft.unmap("kubernetes: the server's media volume (no claim mounted at /data or /usr/src/app/upload)");
    return undefined;
  }
  const claim = claimAt.get(mediaPath) as string;
  const pvc = byName(objects, "PersistentVolumeClaim", claim);
  const size = pvc?.shape.text(pvc.raw, ["spec", "resources", "requests", "storage"], true);
  draft.set([...BASE, "upload"], { claimName: claim, ...(size ? { size } : {}) });
  const storageClass = pvc?.shape.text(pvc.raw, ["spec", "storageClassName"]);
  if (storageClass) draft.set([...BASE, "storageClass"], storageClass);
  if (mediaPath !== "/data") draft.set(["immich", "mediaLocation"], mediaPath);
  return mediaPath;
}

/** A library's NFS source from its PersistentVolume (CSI or in-tree), with every name the render must keep. */
function nfsSource(draft: ImportDraft, pv: K8sObject, claim: string): DraftObject | undefined {
  const csi = pv.shape.mapping(pv.raw, ["spec", "csi"]);
  const nfs = pv.shape.mapping(pv.raw, ["spec", "nfs"]);
  const text = (o: unknown, path: (string | number)[], scalars = false) => pv.shape.text(o, path, scalars);
  const nfsServer = csi ? text(csi, ["volumeAttributes", "server"]) : nfs ? text(nfs, ["server"]) : undefined;
  if (!nfsServer) return undefined;
  const subDir = csi ? text(csi, ["volumeAttributes", "subDir"]) : undefined;
  const mountOptions = (pv.shape.list(pv.raw, ["spec", "mountOptions"]) ?? []).flatMap((_, i) => text(pv.raw, ["spec", "mountOptions", i]) ?? []);
  const capacity = text(pv.raw, ["spec", "capacity", "storage"], true);
  const driver = csi ? text(csi, ["driver"]) : undefined;
  const volumeHandle = csi ? text(csi, ["volumeHandle"]) : undefined;
  if (nfs && !csi) draft.unmap(`kubernetes: ${pv.name} is an in-tree nfs volume; the render uses the NFS CSI driver (${NFS_CSI_DRIVER}) under the same names`);
  return {
    server: nfsServer,
    share: csi ? text(csi, ["volumeAttributes", "share"]) : text(nfs, ["path"]),
    ...(subDir ? { subDir } : {}),
    ...(mountOptions.length > 0 ? { mountOptions } : {}),
    ...(capacity ? { capacity } : {}),
    ...(driver ? { driver } : {}),
    volumeName: pv.name,
    claimName: claim,
    ...(volumeHandle ? { volumeHandle } : {}),
    storageClass: text(pv.raw, ["spec", "storageClassName"]) ?? "",
  };
}

/** Every other claim the server mounts: an external library, from NFS when its volume says so, else the claim as it is. */
function kubernetesLibraries({ draft, objects }: KubernetesImport, claimAt: ReadonlyMap<string, string>, mediaPath: string | undefined): void {
  for (const [path, claim] of claimAt) {
    if (path === mediaPath) continue;
    const pvc = byName(objects, "PersistentVolumeClaim", claim);
    const volumeName = pvc?.shape.text(pvc.raw, ["spec", "volumeName"]);
    const pv = volumeName ? byName(objects, "PersistentVolume", volumeName) : undefined;
    const handle = uniqueHandle(toHandle(claim.replace(/-(pvc|claim)$/, ""), "library"), Object.keys((draft.get(["libraries"]) ?? {}) as object));
    draft.setDefault(["libraries", handle], { owner: "", path }, "a claim the server mounts: an external library; set its owner");
    const nfs = pv ? nfsSource(draft, pv, claim) : undefined;
    draft.set([...BASE, "libraries", handle], nfs ? { nfs } : { existingClaim: claim });
  }
}

/** The web host and the first Ingress's class, cluster issuer and TLS secret; then every object the import does not know, listed. */
function kubernetesIngressAndLeftovers({ draft, objects, server }: KubernetesImport): void {
  const ingresses = ofKind(objects, "Ingress");
  const host = ingresses
    .flatMap((i) => (i.shape.list(i.raw, ["spec", "rules"]) ?? []).map((r) => (isMapping(r) ? i.shape.text(r, ["host"]) : undefined)))
    .find(Boolean);
  if (host) draft.set(["hosts", "web"], host.toLowerCase());
  const ing = ingresses[0];
  if (ing) {
    const className = ing.shape.text(ing.raw, ["spec", "ingressClassName"]);
    const clusterIssuer = ing.shape.text(ing.raw, ["metadata", "annotations", CLUSTER_ISSUER_ANNOTATION]);
    const tlsSecretName = ing.shape.text(ing.raw, ["spec", "tls", 0, "secretName"]);
    draft.set([...BASE, "ingress"], {
      ...(className ? { className } : {}),
      ...(clusterIssuer ? { clusterIssuer } : {}),
      ...(tlsSecretName ? { tlsSecretName } : {}),
    });
  }
  const known = new Set(["Namespace", "Cluster", "PersistentVolume", "PersistentVolumeClaim", "Ingress", "Service", "Secret", "ConfigMap"]);
  for (const d of ofKind(objects, "Deployment")) {
    if (d === server || containersOf(d).some(({ image }) => /machine-learning|redis|valkey/.test(image))) continue;
    draft.unmap(`kubernetes: Deployment ${d.name}`);
  }
  for (const o of objects) if (!known.has(o.kind) && o.kind !== "Deployment") draft.unmap(`kubernetes: ${o.kind} ${o.name}`);
}

/** Read a folder of Kubernetes manifests into the draft: namespace, claims, NFS volumes, the CNPG cluster, the server. */
export function importFromKubernetes(draft: ImportDraft, folder: ImportFolder): void {
  const objects = readManifests(folder, (what) => draft.unmap(what));
  for (const skipped of folder.skipped) draft.unmap(`kubernetes: ${skipped}`);
  if (objects.length === 0) throw new CliError("bad-arguments", `No Kubernetes objects in the YAML files of ${folder.shown}.`);
  const server = ofKind(objects, "Deployment").find((d) => containersOf(d).some(({ image }) => /immich-server/.test(image)));
  const namespace = server?.namespace ?? ofKind(objects, "Namespace")[0]?.name ?? objects.find((o) => o.namespace)?.namespace;
  if (namespace) draft.set([...BASE, "namespace"], namespace);
  draft.setDefault(["metadata", "name"], toHandle(namespace ?? "immich", "immich"), "the namespace; it prefixes the names of objects that hold no data");
  const container = server ? containersOf(server).find(({ image }) => /immich-server/.test(image)) : undefined;
  const ctx: KubernetesImport = { draft, objects, server, container };
  kubernetesCluster(ctx);
  const claimAt = kubernetesServer(ctx);
  kubernetesLibraries(ctx, claimAt, kubernetesMedia(ctx, claimAt));
  kubernetesIngressAndLeftovers(ctx);
}
