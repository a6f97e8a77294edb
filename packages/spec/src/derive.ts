import { lineOf } from "./releases/line-of.js";
import type { SupportedLine } from "./releases/lines.js";
import type { ImmichFamilySpec, Library, OAuth } from "./schema/spec.js";

/** The release line of the Immich release the spec pins (the schema accepts only releases on a supported line). */
export function immichLine(spec: { readonly immich: { readonly version: string } }): SupportedLine {
  const line = lineOf(spec.immich.version);
  if (!line) throw new Error(`immich.version ${spec.immich.version} is not on a supported release line`);
  return line;
}

/** A library's import paths, absolute, as Immich sees them. */
export function libraryImportPaths(lib: Pick<Library, "path" | "importPaths">): string[] {
  const paths = lib.importPaths ?? [lib.path];
  return paths.map((p) => (p.startsWith("/") ? p : `${lib.path}/${p.replace(/^\.\//, "")}`.replace(/\/+$/, "")));
}

/** The display name of a library in Immich. */
export function libraryName(handle: string, lib: Pick<Library, "name">): string {
  return lib.name ?? handle;
}

/** The OIDC issuer URL of an OAuth preset. */
export function oauthIssuerUrl(oauth: OAuth): string | undefined {
  switch (oauth.preset) {
    case "google":
      return oauth.issuerUrl ?? "https://accounts.google.com";
    case "entra":
      return oauth.issuerUrl ?? (oauth.tenantId ? `https://login.microsoftonline.com/${oauth.tenantId}/v2.0` : undefined);
    case "generic":
      return oauth.issuerUrl;
  }
}

/** Whether the mobile redirect override is on (Google and Entra reject the app.immich:// scheme). */
export function oauthMobileRedirect(oauth: OAuth): boolean {
  return oauth.mobileRedirect ?? oauth.preset !== "generic";
}

/** The host that serves the OAuth mobile relay. */
export function mobileRelayHost(spec: Pick<ImmichFamilySpec, "hosts" | "auth">): string {
  return spec.auth.oauth?.mobileRedirectHost ?? spec.hosts.mobile ?? spec.hosts.web;
}

/** The URIs to register at the identity provider. */
export function oauthRedirectUris(spec: Pick<ImmichFamilySpec, "hosts" | "auth">): { webLogin: string; userSettings: string; mobileRelay: string } {
  return {
    webLogin: `https://${spec.hosts.web}/auth/login`,
    userSettings: `https://${spec.hosts.web}/user-settings`,
    mobileRelay: `https://${mobileRelayHost(spec)}/api/oauth/mobile-redirect`,
  };
}

/** Default image of the worker, which also carries the `immich-family` CLI used by the init steps. */
export const DEFAULT_WORKER_IMAGE_REPOSITORY = "ghcr.io/immich-family/immich-family";

/** The worker/init image: the spec's choice, else the release of this tool matching `toolVersion`. */
export function workerImage(spec: Pick<ImmichFamilySpec, "worker">, toolVersion: string): string {
  return spec.worker.image ?? `${DEFAULT_WORKER_IMAGE_REPOSITORY}:${toolVersion}`;
}

const QUANTITY_UNITS: Record<string, number> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
};

/** A quantity as the spec writes it (`500Gi`, `1T`) in bytes, e.g. a member's storage quota. */
export function quantityToBytes(q: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)([a-zA-Z]*)$/.exec(q);
  // Own keys only: a unit such as "constructor" is not a unit.
  const unit = m?.[2] !== undefined && Object.hasOwn(QUANTITY_UNITS, m[2]) ? QUANTITY_UNITS[m[2]] : undefined;
  if (!m?.[1] || unit === undefined) throw new Error(`not a quantity: ${q}`);
  return Math.round(Number(m[1]) * unit);
}
