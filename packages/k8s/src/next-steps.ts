import { firstAdminMember, firstAdminNextStep, type ImmichFamilySpec, secretKeys, shellWord } from "@family/immich-spec";
import { names, PORTS } from "./_names.js";

/**
 * What to do after the Kubernetes folder was rendered into `dir` (as the user named it), one step a
 * line: what `immich-family render` prints.
 */
export function kubernetesNextSteps(spec: ImmichFamilySpec, dir: string): string[] {
  const target = spec.targets.kubernetes;
  if (!target) throw new Error("the spec declares no targets.kubernetes");
  const n = names(spec, target);
  const d = shellWord(dir);
  const backup = target.database.backup;
  const prerequisites = [
    "the CloudNativePG operator",
    ...(backup?.method === "plugin" ? [`its backup plugin ${backup.pluginName ?? ""}`.trim()] : []),
    ...(backup?.method === "volumeSnapshot" ? ["a VolumeSnapshotClass for the database volumes"] : []),
    ...(target.database.podMonitor ? ["the Prometheus operator (PodMonitor)"] : []),
    `the ${target.ingress.className} ingress controller`,
    ...(target.ingress.clusterIssuer ? [`cert-manager with the ClusterIssuer ${target.ingress.clusterIssuer}`] : []),
    ...(Object.values(target.libraries).some((l) => "nfs" in l) ? ["an NFS client on every node (the libraries are NFS volumes)"] : []),
  ];
  const needsSecret = secretKeys(spec, "kubernetes").length > 0;
  const secretStep =
    "existingSecret" in target.secrets
      ? [`Create the Secret ${n.secret} in the namespace ${n.namespace} with every key listed in ${dir}/secrets.env.example.`]
      : needsSecret
        ? [`Copy ${dir}/secrets.env.example to ${dir}/${target.secrets.envFile} and fill in every key; keep it out of git (kustomize reads it from there).`]
        : [];
  return [
    `Once per cluster, install ${prerequisites.join(", ")}.`,
    ...secretStep,
    `Apply: kubectl apply -k ${d}`,
    `Watch the database come up: kubectl -n ${n.namespace} get cluster ${n.cluster} -w (until "Cluster in healthy state"), then kubectl -n ${n.namespace} rollout status deployment/${n.server}.`,
    firstAdminStep(spec, `kubectl -n ${n.namespace} port-forward service/${n.server} ${PORTS.server}:${PORTS.server}`),
  ];
}

/**
 * The first admin: none to make on an install that already has its users (adopted, members imported);
 * on a fresh one the worker or `immich-family bootstrap` signs up the spec's first admin, or the wizard
 * through a port-forward (the Ingresses refuse Immich's sign-up from outside).
 */
function firstAdminStep(spec: ImmichFamilySpec, forward: string): string {
  const admin = firstAdminMember(spec);
  const wizard = `${forward}, open http://127.0.0.1:${PORTS.server} and finish the onboarding wizard (the Ingresses refuse Immich's sign-up from outside)`;
  const fresh = admin?.workerSignsUp
    ? `the worker signs up ${admin.handle} with members.${admin.handle}.password when it starts (or, through ${forward}, run IMMICH_URL=http://127.0.0.1:${PORTS.server} immich-family bootstrap); else ${wizard}`
    : `${wizard}${admin ? `, or give members.${admin.handle}.password and run IMMICH_URL=http://127.0.0.1:${PORTS.server} immich-family bootstrap through it` : ""}`;
  return `${firstAdminNextStep(fresh)} Then open https://${spec.hosts.web}.`;
}
