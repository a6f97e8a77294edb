import type { Resources } from "@family/immich-spec";

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef: { readonly name: string; readonly key: string } };
}

export function envValue(name: string, value: string): EnvVar {
  return { name, value };
}

export function envSecret(name: string, secret: string, key: string): EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

export function httpProbe(path: string, port: string, periodSeconds: number, failureThreshold: number) {
  return { httpGet: { path, port }, periodSeconds, failureThreshold, timeoutSeconds: 5 };
}

/** Container resources from the spec; nothing when the spec says nothing. */
export function containerResources(resources: Resources | undefined, extraLimits: Record<string, string> = {}) {
  const out: Record<string, Record<string, string | undefined>> = {};
  if (resources?.requests) out.requests = { ...resources.requests };
  if (resources?.limits || Object.keys(extraLimits).length > 0) out.limits = { ...resources?.limits, ...extraLimits };
  return Object.keys(out).length > 0 ? { resources: out } : {};
}

/** A pod that keeps the default seccomp profile. */
export const POD_SECURITY = { seccompProfile: { type: "RuntimeDefault" } } as const;

/** Containers whose image runs as root (Immich's own images): no privilege escalation. */
export const ROOT_IMAGE_SECURITY = { allowPrivilegeEscalation: false } as const;

/** Containers whose image runs fine unprivileged as `uid`. */
export function nonRootSecurity(uid: number) {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
  };
}
