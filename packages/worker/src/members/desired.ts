import { type ImmichFamilySpec, type Member, quantityToBytes } from "@family/immich-spec";
import type { UserPreferencesUpdateDto } from "@immich/sdk";

/** What the spec says one member's account is. */
export interface DesiredMember {
  readonly handle: string;
  readonly email: string;
  readonly name: string;
  readonly isAdmin: boolean;
  /** Bytes; null is unlimited (no `quota` in the spec). */
  readonly quotaSizeInBytes: number | null;
  /** Only when the spec states one; otherwise the server's is left alone (the first admin's is `admin`). */
  readonly storageLabel: string | undefined;
  /** The preference leaves the spec sets; empty when it sets none. */
  readonly preferences: UserPreferencesUpdateDto;
  /** Handles of the members this one shares their library with. */
  readonly partners: readonly string[];
  /** The secrets-env key of the initial password, when the spec names one. */
  readonly passwordKey: string | undefined;
  /** The secrets-env key of the member's own API key, when the spec names one. */
  readonly apiKeyKey: string | undefined;
}

/** The preference leaves a member's `preferences` set: folders and tags come with their sidebar entry. */
export function preferencesUpdate(prefs: Member["preferences"]): UserPreferencesUpdateDto {
  const out: UserPreferencesUpdateDto = {};
  if (prefs?.folders !== undefined) out.folders = { enabled: prefs.folders, sidebarWeb: prefs.folders };
  if (prefs?.tags !== undefined) out.tags = { enabled: prefs.tags, sidebarWeb: prefs.tags };
  if (prefs?.memories !== undefined) out.memories = { enabled: prefs.memories };
  if (prefs?.people !== undefined) out.people = { enabled: prefs.people };
  return out;
}

/** Every declared member, in the spec's order. */
export function desiredMembers(spec: ImmichFamilySpec): DesiredMember[] {
  return Object.entries(spec.members).map(([handle, m]) => ({
    handle,
    email: m.email,
    name: m.name,
    isAdmin: m.admin,
    quotaSizeInBytes: m.quota === undefined ? null : quantityToBytes(m.quota),
    storageLabel: m.storageLabel,
    preferences: preferencesUpdate(m.preferences),
    partners: m.partners ?? [],
    passwordKey: m.password?.key,
    apiKeyKey: m.apiKey?.key,
  }));
}

/** The member bootstrap signs up as the first admin: the first one the spec declares with `admin: true`. */
export function firstAdmin(spec: ImmichFamilySpec): DesiredMember | undefined {
  return desiredMembers(spec).find((m) => m.isAdmin);
}
