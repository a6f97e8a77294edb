import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { CLUSTER_ISSUER_ANNOTATION, NFS_CSI_DRIVER } from "@family/immich-spec";
import { parseAllDocuments } from "yaml";
import { DEFAULT_IMMICH_VERSION } from "../commands/init.js";
import { CliError } from "../_errors.js";
import { type DraftObject, type ImportDraft, toHandle, uniqueHandle } from "./_draft.js";

type K8sObject = DraftObject & { kind: string; metadata: { name: string; namespace?: string } };

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) return yamlFiles(p);
      return /\.ya?ml$/.test(f) ? [p] : [];
    });
}

/** Every object of the folder's manifests (kustomization files skipped). */
export function readManifests(dir: string): K8sObject[] {
  const out: K8sObject[] = [];
  for (const file of yamlFiles(dir)) {
    for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
      if (doc.errors.length > 0) throw new CliError("bad-arguments", `${relative(process.cwd(), file)}: not valid YAML: ${doc.errors[0]?.message}`);
      const o = doc.toJS() as K8sObject | null;
      if (o && typeof o === "object" && typeof o.kind === "string" && o.metadata?.name && o.kind !== "Kustomization") out.push(o);
    }
  }
  return out;
}

const tagOf = (image: string) => /:([^:/@]+)(@.*)?$/.exec(image)?.[1];

/** Read a folder of Kubernetes manifests into the draft: namespace, claims, NFS volumes, the CNPG cluster, the server. */
export function importFromKubernetes(draft: ImportDraft, dir: string): void {
  const objects = readManifests(dir);
  if (objects.length === 0) throw new CliError("bad-arguments", `No Kubernetes objects in the YAML files of ${dir}.`);
  const base = ["targets", "kubernetes"] as const;
  const of = (kind: string) => objects.filter((o) => o.kind === kind);
  const byName = (kind: string, name: string) => of(kind).find((o) => o.metadata.name === name);

  const deployments = of("Deployment");
  const server = deployments.find((d) => (d.spec?.template?.spec?.containers ?? []).some((c: DraftObject) => /immich-server/.test(String(c.image))));
  const namespace = server?.metadata.namespace ?? of("Namespace")[0]?.metadata.name ?? objects.find((o) => o.metadata.namespace)?.metadata.namespace;
  if (namespace) draft.set([...base, "namespace"], namespace);
  draft.setDefault(["metadata", "name"], toHandle(namespace ?? "immich", "immich"), "the namespace; it prefixes the names of objects that hold no data");

  const cluster = of("Cluster").find((c) => String(c.apiVersion).startsWith("postgresql.cnpg.io/"));
  if (cluster) {
    const s = cluster.spec ?? {};
    draft.set([...base, "database", "clusterName"], cluster.metadata.name);
    if (s.instances) draft.set([...base, "database", "instances"], s.instances);
    if (s.storage?.size)
      draft.set([...base, "database", "storage"], { size: s.storage.size, ...(s.storage.storageClass ? { storageClass: s.storage.storageClass } : {}) });
    if (s.postgresql?.parameters)
      draft.set([...base, "database", "parameters"], Object.fromEntries(Object.entries(s.postgresql.parameters).map(([k, v]) => [k, String(v)])));
    const init = s.bootstrap?.initdb ?? {};
    if (init.database) draft.set(["database", "name"], init.database);
    if (init.owner) draft.set(["database", "user"], init.owner);
    const m = /^([0-9]+)-([0-9]+\.[0-9]+\.[0-9]+)$/.exec(tagOf(String(s.imageName ?? "")) ?? "");
    if (m) {
      draft.set(["database", "postgresMajor"], Number(m[1]));
      draft.set(["database", "vectorVersion"], m[2]);
    }
    const sql = [...(init.postInitSQL ?? []), ...(init.postInitApplicationSQL ?? [])].join("\n");
    const roles = (s.managed?.roles ?? []) as DraftObject[];
    draft.set(["database", "superuser"], /SUPERUSER/i.test(sql) || roles.some((r) => r.superuser === true));
    if (init.secret?.name)
      draft.unmap(
        `kubernetes: the CNPG bootstrap secret ${init.secret.name} (the render lets CNPG generate ${cluster.metadata.name}-app; an existing cluster keeps its role and password)`,
      );
  } else draft.unmap("kubernetes: no CloudNativePG Cluster; the render adds one");

  const container = server?.spec?.template?.spec?.containers?.find((c: DraftObject) => /immich-server/.test(String(c.image)));
  const podVolumes = (server?.spec?.template?.spec?.volumes ?? []) as DraftObject[];
  const claimAt = new Map<string, string>();
  for (const vm of (container?.volumeMounts ?? []) as DraftObject[]) {
    const claim = podVolumes.find((v) => v.name === vm.name)?.persistentVolumeClaim?.claimName;
    if (claim) claimAt.set(String(vm.mountPath), claim);
  }
  if (container) {
    const tag = tagOf(String(container.image));
    if (tag && /^v[0-9]+\.[0-9]+\.[0-9]+$/.test(tag)) draft.set(["immich", "version"], tag);
    else draft.setDefault(["immich", "version"], DEFAULT_IMMICH_VERSION, `the server image is not pinned (${container.image}); pin the release you run`);
  }
  const mediaPath = [...claimAt.keys()].find((p) => p === "/usr/src/app/upload" || p === "/data");
  if (mediaPath) {
    const claim = claimAt.get(mediaPath) as string;
    const pvc = byName("PersistentVolumeClaim", claim);
    draft.set([...base, "upload"], {
      claimName: claim,
      ...(pvc?.spec?.resources?.requests?.storage ? { size: pvc.spec.resources.requests.storage } : {}),
    });
    if (pvc?.spec?.storageClassName) draft.set([...base, "storageClass"], pvc.spec.storageClassName);
    if (mediaPath !== "/data") draft.set(["immich", "mediaLocation"], mediaPath);
  } else draft.unmap("kubernetes: the server's media volume (no claim mounted at /data or /usr/src/app/upload)");

  for (const [path, claim] of claimAt) {
    if (path === mediaPath) continue;
    const pvc = byName("PersistentVolumeClaim", claim);
    const pv = pvc?.spec?.volumeName ? byName("PersistentVolume", pvc.spec.volumeName) : undefined;
    const handle = uniqueHandle(toHandle(claim.replace(/-(pvc|claim)$/, ""), "library"), Object.keys((draft.get(["libraries"]) ?? {}) as object));
    draft.setDefault(["libraries", handle], { owner: "", path }, "a claim the server mounts: an external library; set its owner");
    const csi = pv?.spec?.csi;
    const nfs = pv?.spec?.nfs;
    if (pv && (csi?.volumeAttributes?.server || nfs?.server)) {
      const attrs = csi ? csi.volumeAttributes : { server: nfs.server, share: nfs.path };
      draft.set([...base, "libraries", handle], {
        nfs: {
          server: attrs.server,
          share: attrs.share,
          ...(attrs.subDir ? { subDir: attrs.subDir } : {}),
          ...(pv.spec.mountOptions ? { mountOptions: pv.spec.mountOptions } : {}),
          ...(pv.spec.capacity?.storage ? { capacity: pv.spec.capacity.storage } : {}),
          ...(csi?.driver ? { driver: csi.driver } : {}),
          volumeName: pv.metadata.name,
          claimName: claim,
          ...(csi?.volumeHandle ? { volumeHandle: csi.volumeHandle } : {}),
          storageClass: pv.spec.storageClassName ?? "",
        },
      });
      if (nfs)
        draft.unmap(`kubernetes: ${pv.metadata.name} is an in-tree nfs volume; the render uses the NFS CSI driver (${NFS_CSI_DRIVER}) under the same names`);
    } else draft.set([...base, "libraries", handle], { existingClaim: claim });
  }

  const ingresses = of("Ingress");
  const host = ingresses.flatMap((i) => (i.spec?.rules ?? []).map((r: DraftObject) => r.host)).find(Boolean);
  if (host) draft.set(["hosts", "web"], String(host).toLowerCase());
  const ing = ingresses[0];
  if (ing) {
    const annotations = (ing.metadata as DraftObject).annotations ?? {};
    draft.set([...base, "ingress"], {
      ...(ing.spec?.ingressClassName ? { className: ing.spec.ingressClassName } : {}),
      ...(annotations[CLUSTER_ISSUER_ANNOTATION] ? { clusterIssuer: annotations[CLUSTER_ISSUER_ANNOTATION] } : {}),
      ...(ing.spec?.tls?.[0]?.secretName ? { tlsSecretName: ing.spec.tls[0].secretName } : {}),
    });
  }
  const known = new Set(["Namespace", "Cluster", "PersistentVolume", "PersistentVolumeClaim", "Ingress", "Service", "Secret", "ConfigMap"]);
  for (const d of deployments) {
    if (d === server || /machine-learning|redis|valkey/.test(JSON.stringify(d.spec?.template?.spec?.containers ?? []))) continue;
    draft.unmap(`kubernetes: Deployment ${d.metadata.name}`);
  }
  for (const o of objects) if (!known.has(o.kind) && o.kind !== "Deployment") draft.unmap(`kubernetes: ${o.kind} ${o.metadata.name}`);
}
