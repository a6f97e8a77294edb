import { renderKubernetes } from "@family/immich-k8s";
import type { ImmichFamilySpec } from "@family/immich-spec";
import { parseAllDocuments } from "yaml";
import type { DraftObject } from "./_draft.js";
import type { Difference } from "./switch-over.js";

/** A Kubernetes install as the switch-over compares it: the claims and volumes its data lives on, and its names. */
export interface KubernetesInstallModel {
  /** What the server mounts at each path: `claim <name>`. */
  readonly mounts: Readonly<Record<string, string>>;
  /** Each PersistentVolume: its name, CSI volumeHandle and NFS source. */
  readonly volumes: Readonly<Record<string, string>>;
  /** The CloudNativePG cluster: name, database and owner. */
  readonly database: string | undefined;
  readonly namespace: string | undefined;
  readonly serverImage: string | undefined;
}

const isServer = (c: DraftObject) => /immich-server/.test(String(c?.image ?? ""));

/** The model of a folder of manifests, or of the objects the render writes. */
export function kubernetesInstallModel(objects: readonly DraftObject[]): KubernetesInstallModel {
  const containers = (o: DraftObject): DraftObject[] => (Array.isArray(o?.spec?.template?.spec?.containers) ? o.spec.template.spec.containers : []);
  const server = objects.find((o) => o?.kind === "Deployment" && containers(o).some(isServer));
  const pod = server?.spec?.template?.spec ?? {};
  const container = (server ? containers(server) : []).find(isServer) ?? {};
  const mounts: Record<string, string> = {};
  const list = (v: unknown): DraftObject[] => (Array.isArray(v) ? v.filter((x) => x && typeof x === "object") : []);
  for (const m of list(container.volumeMounts)) {
    const claim = list(pod.volumes).find((v) => v.name === m.name)?.persistentVolumeClaim?.claimName;
    if (claim) mounts[String(m.mountPath)] = `claim ${claim}`;
  }
  const volumes: Record<string, string> = {};
  for (const pv of objects.filter((o) => o.kind === "PersistentVolume")) {
    const csi = pv.spec?.csi ?? {};
    const attrs = csi.volumeAttributes ?? {};
    volumes[String(pv.metadata?.name)] =
      `handle ${csi.volumeHandle ?? "-"}, ${attrs.server ?? "?"}:${attrs.share ?? "?"}${attrs.subDir ? `/${attrs.subDir}` : ""}`;
  }
  const cluster = objects.find((o) => o.kind === "Cluster");
  const initdb = cluster?.spec?.bootstrap?.initdb ?? {};
  return {
    mounts,
    volumes,
    database: cluster ? `cluster ${cluster.metadata?.name}, database ${initdb.database ?? "app"}, owner ${initdb.owner ?? "app"}` : undefined,
    namespace: server?.metadata?.namespace,
    serverImage: container.image,
  };
}

/** Every difference between a Kubernetes install and the render, data ones (claims, volumes, the database cluster) first. */
export function compareKubernetes(before: KubernetesInstallModel, after: KubernetesInstallModel): Difference[] {
  const out: Difference[] = [];
  for (const path of [...new Set([...Object.keys(before.mounts), ...Object.keys(after.mounts)])].sort()) {
    const [b, a] = [before.mounts[path], after.mounts[path]];
    if (b === a) continue;
    out.push(
      b === undefined
        ? { kind: "data", stateful: false, what: `${path}: the render adds ${a}`, todo: "check that this is the data you mean" }
        : {
            kind: "data",
            stateful: true,
            what: `${path}: the install mounts ${b}; the render ${a ? `mounts ${a}` : "does not"}`,
            todo: "keep the claim: targets.kubernetes.upload.claimName or libraries.<h>.nfs.claimName / existingClaim",
          },
    );
  }
  for (const name of Object.keys(before.volumes).sort()) {
    const [b, a] = [before.volumes[name], after.volumes[name]];
    if (b === a) continue;
    out.push({
      kind: "data",
      stateful: true,
      what: `PersistentVolume ${name}: ${b} → ${a ?? "not in the render"}`,
      todo: "keep its name and handle: targets.kubernetes.libraries.<h>.nfs.volumeName / volumeHandle",
    });
  }
  if (before.database !== after.database && before.database !== undefined)
    out.push({
      kind: "data",
      stateful: true,
      what: `database: ${before.database} → ${after.database ?? "none"}`,
      todo: "keep the cluster: targets.kubernetes.database.clusterName, database.name and database.user",
    });
  if (before.namespace !== after.namespace)
    out.push({
      kind: "name",
      stateful: false,
      what: `namespace ${before.namespace ?? "(none)"} → ${after.namespace ?? "(none)"}`,
      todo: "set targets.kubernetes.namespace",
    });
  if (before.serverImage !== after.serverImage)
    out.push({
      kind: "image",
      stateful: false,
      what: `server: ${before.serverImage ?? "none"} → ${after.serverImage ?? "none"}`,
      todo: "pin the release you run (immich.version)",
    });
  return out.sort((x, y) => Number(y.stateful) - Number(x.stateful));
}

/** The render of `spec`'s Kubernetes target compared with the manifests read. */
export function kubernetesSwitchOver(objects: readonly DraftObject[], spec: ImmichFamilySpec): Difference[] {
  const rendered = renderKubernetes(spec)
    .filter((f) => f.path.endsWith(".yaml") && f.path !== "kustomization.yaml")
    .flatMap((f) => parseAllDocuments(f.content, { version: "1.1" }).map((d) => d.toJS() as DraftObject))
    .filter((o) => o && typeof o === "object");
  return compareKubernetes(kubernetesInstallModel(objects), kubernetesInstallModel(rendered));
}
