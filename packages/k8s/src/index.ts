export { type ClusterReferences, clusterReferences, type ReferencingObject } from "./cluster-references.js";
export { CnpgCluster, type CnpgClusterProps, databaseImage, IMMICH_EXTENSIONS, type ImmichDatabase } from "./cnpg-cluster.js";
export { type DeployReadmeProps, prerequisites, type ReadmeObject, renderKubernetesReadme, TESTED_VERSIONS } from "./deploy-readme.js";
export { isKubernetesFile, isRestoreDrillFile, KUBERNETES_COMPONENTS, KUBERNETES_FILES, RESTORE_DRILL_FILES } from "./files.js";
export { ImmichChart, type ImmichChartProps } from "./immich-chart.js";
export { ImmichServer, type ImmichServerProps } from "./immich-server.js";
export { Ingress, type IngressProps, POMERIUM_ANNOTATION_KEYS, PUBLIC_PATHS } from "./ingress.js";
export { kustomization, type KustomizationProps } from "./kustomization.js";
export { machineLearningImage } from "@family/immich-spec";
export { MachineLearning, type MachineLearningProps } from "./machine-learning.js";
export { type InstallContext, type InstallOverrides, installContext, type Names, names as objectNames } from "./_names.js";
export { Namespace, type NamespaceProps } from "./namespace.js";
export { kubernetesNextSteps } from "./next-steps.js";
export { CNPG_METRICS_PORT, CNPG_STATUS_PORT, NetworkPolicies, type NetworkPoliciesProps } from "./network-policies.js";
export { type LibraryMount, libraryMount, NfsLibrary, type NfsLibraryProps } from "./nfs-library.js";
export { Redis, type RedisProps } from "./redis.js";
export { type RenderKubernetesOptions, type RenderRestoreDrillOptions, renderKubernetes, renderRestoreDrill } from "./render.js";
export {
  type BackupAge,
  type DrillNames,
  type DrillSnapshots,
  drillNames,
  maxBackupAge,
  RestoreDrill,
  type RestoreDrillProps,
} from "./restore-drill.js";
export { secretsEnvExample } from "./secrets-example.js";
export { UploadVolume, type UploadVolumeProps } from "./upload-volume.js";
export { Worker, type WorkerProps } from "./worker.js";
