import { CLUSTER_ISSUER_ANNOTATION } from "@family/immich-spec";

/** The fields of a rendered object that can name something the cluster must already have. */
export interface ReferencingObject {
  readonly kind: string;
  readonly metadata?: { readonly annotations?: Readonly<Record<string, unknown>> | undefined } | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: spec fields differ per kind; only a few are read
  readonly spec?: any;
}

/** What rendered objects name that the cluster must provide; each list distinct, in order of first use. */
export interface ClusterReferences {
  /** IngressClasses the Ingresses name. */
  readonly ingressClasses: readonly string[];
  /** cert-manager ClusterIssuers the Ingresses name. */
  readonly clusterIssuers: readonly string[];
  /** CSI drivers of the PersistentVolumes. */
  readonly csiDrivers: readonly string[];
  /** CloudNativePG plugins the Clusters use. */
  readonly cnpgPlugins: readonly string[];
}

/** The IngressClasses, ClusterIssuers, CSI drivers and CloudNativePG plugins `objects` name. */
export function clusterReferences(objects: readonly ReferencingObject[]): ClusterReferences {
  const of = (kind: string, pick: (o: ReferencingObject) => readonly unknown[]) => [
    ...new Set(objects.filter((o) => o.kind === kind).flatMap((o) => pick(o).filter((v): v is string => typeof v === "string"))),
  ];
  return {
    ingressClasses: of("Ingress", (o) => [o.spec?.ingressClassName]),
    clusterIssuers: of("Ingress", (o) => [o.metadata?.annotations?.[CLUSTER_ISSUER_ANNOTATION]]),
    csiDrivers: of("PersistentVolume", (o) => [o.spec?.csi?.driver]),
    cnpgPlugins: of("Cluster", (o) => (o.spec?.plugins ?? []).map((p: { name?: unknown }) => p.name)),
  };
}
