import type { UserAdminResponseDto, UserPreferencesResponseDto, UserPreferencesUpdateDto } from "@immich/sdk";
import type { DesiredMember } from "./desired.js";

/** The account fields `members sync` keeps as the spec says. */
export interface AccountFields {
  name?: string;
  isAdmin?: boolean;
  quotaSizeInBytes?: number | null;
  storageLabel?: string | null;
}

/** One step of a members plan, each naming its member and why. */
export type MemberChange =
  | {
      readonly kind: "create";
      readonly handle: string;
      readonly email: string;
      readonly fields: Required<Omit<AccountFields, "storageLabel">> & AccountFields;
      readonly why: string;
    }
  | { readonly kind: "restore"; readonly handle: string; readonly email: string; readonly id: string; readonly why: string }
  | { readonly kind: "update"; readonly handle: string; readonly email: string; readonly id: string; readonly fields: AccountFields; readonly why: string }
  | {
      readonly kind: "preferences";
      readonly handle: string;
      readonly email: string;
      readonly id: string;
      readonly update: UserPreferencesUpdateDto;
      readonly why: string;
    }
  | {
      readonly kind: "partner";
      readonly handle: string;
      readonly email: string;
      readonly partner: string;
      readonly partnerId: string | undefined;
      readonly why: string;
    }
  | { readonly kind: "delete"; readonly email: string; readonly id: string; readonly why: string };

/** What the server has, as the plan reads it. */
export interface MembersServerState {
  /** Every account, deleted ones too. */
  readonly users: readonly UserAdminResponseDto[];
  /** The user the admin key belongs to (Immich lets only another admin change their admin flag; no one deletes themselves). */
  readonly callerId: string;
  /** Preferences read this run, by user id; a member missing here is taken as up to date (its record says so). */
  readonly preferences: ReadonlyMap<string, UserPreferencesResponseDto>;
  /** Partner shares read this run, by the sharing user's id; a member missing here is taken as up to date. */
  readonly partners: ReadonlyMap<string, readonly string[]>;
}

/** A members plan: the changes, what is up to date, what waits for a key or secret, and undeclared accounts. */
export interface MemberPlan {
  readonly changes: readonly MemberChange[];
  /** Members with nothing to do. */
  readonly unchanged: number;
  /** Accounts the spec does not declare (deleted only with `prune`). */
  readonly undeclared: readonly { readonly email: string; readonly name: string; readonly id: string; readonly isAdmin: boolean }[];
  /** Steps that wait for something the user must give (a member's key, a password secret). */
  readonly waiting: readonly string[];
  /** Steps refused to keep the server usable (the last admin, the key's own user). */
  readonly held: readonly string[];
}

const GiB = 1024 ** 3;
const size = (b: number | null) => (b === null ? "unlimited" : b % GiB === 0 ? `${b / GiB}Gi` : `${b} bytes`);

/** The preference leaves of `want` that `have` does not already hold. */
export function preferencesDiff(want: UserPreferencesUpdateDto, have: UserPreferencesResponseDto | undefined): UserPreferencesUpdateDto {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [section, leaves] of Object.entries(want) as [string, Record<string, unknown>][]) {
    const current = (have as unknown as Record<string, Record<string, unknown>> | undefined)?.[section];
    for (const [key, value] of Object.entries(leaves)) {
      if (current?.[key] !== value) out[section] = { ...out[section], [key]: value };
    }
  }
  return out as UserPreferencesUpdateDto;
}

const describePrefs = (u: UserPreferencesUpdateDto) =>
  Object.entries(u as Record<string, Record<string, unknown>>)
    .map(([s, v]) => `${s} ${v.enabled === false ? "off" : v.enabled === true ? "on" : JSON.stringify(v)}`)
    .join(", ");

/**
 * The members plan: create missing accounts (restore soft-deleted ones), make name, admin flag, quota
 * and storage label follow the spec, set the preferences it states, make its partner shares, and
 * with `prune` delete undeclared accounts. Never demotes or deletes the last admin nor changes the
 * key user's own admin flag (Immich refuses that too).
 */
export function planMembers(
  desired: readonly DesiredMember[],
  server: MembersServerState,
  options: { readonly prune?: boolean; readonly env: Readonly<Record<string, string | undefined>>; readonly oauth: boolean },
): MemberPlan {
  const changes: MemberChange[] = [];
  const waiting: string[] = [];
  const held: string[] = [];
  let unchanged = 0;
  const byEmail = new Map(server.users.map((u) => [u.email.toLowerCase(), u]));
  const handleEmail = new Map(desired.map((d) => [d.handle, d.email]));
  const declared = new Set(desired.map((d) => d.email.toLowerCase()));
  // Admins once the plan is applied: demotions below are checked against this.
  const admins = new Set(server.users.filter((u) => u.deletedAt === null && u.isAdmin).map((u) => u.id));
  const demotions: Extract<MemberChange, { kind: "update" }>[] = [];

  for (const d of desired) {
    const user = byEmail.get(d.email.toLowerCase());
    const before = changes.length;
    if (!user) {
      const password = d.passwordKey ? options.env[d.passwordKey] : undefined;
      if (!password && !options.oauth) {
        waiting.push(
          d.passwordKey
            ? `${d.handle} (${d.email}): no account yet; ${d.passwordKey} (members.${d.handle}.password) is not set`
            : `${d.handle} (${d.email}): no account yet; give members.${d.handle}.password a secret key with the initial password`,
        );
        continue;
      }
      changes.push({
        kind: "create",
        handle: d.handle,
        email: d.email,
        fields: { name: d.name, isAdmin: d.isAdmin, quotaSizeInBytes: d.quotaSizeInBytes, ...(d.storageLabel ? { storageLabel: d.storageLabel } : {}) },
        why: password ? "no account; initial password from the secrets, changed at first login" : "no account; linked by email at the first OAuth login",
      });
    } else {
      if (user.deletedAt !== null)
        changes.push({ kind: "restore", handle: d.handle, email: d.email, id: user.id, why: "the account was deleted on the server" });
      const fields: AccountFields = {};
      const why: string[] = [];
      if (user.name !== d.name) {
        fields.name = d.name;
        why.push(`name ${JSON.stringify(user.name)} → ${JSON.stringify(d.name)}`);
      }
      if (user.isAdmin !== d.isAdmin) {
        fields.isAdmin = d.isAdmin;
        why.push(d.isAdmin ? "made admin (the spec says admin: true)" : "admin flag removed (the spec says admin: false; it was set on the server)");
      }
      if ((user.quotaSizeInBytes ?? null) !== d.quotaSizeInBytes) {
        fields.quotaSizeInBytes = d.quotaSizeInBytes;
        why.push(`quota ${size(user.quotaSizeInBytes ?? null)} → ${size(d.quotaSizeInBytes)}`);
      }
      if (d.storageLabel !== undefined && user.storageLabel !== d.storageLabel) {
        fields.storageLabel = d.storageLabel;
        why.push(`storage label ${user.storageLabel ?? "(none)"} → ${d.storageLabel}`);
      }
      if (why.length > 0) {
        const change = { kind: "update", handle: d.handle, email: d.email, id: user.id, fields, why: why.join("; ") } as const;
        if (fields.isAdmin === false) demotions.push(change);
        else {
          if (fields.isAdmin === true) admins.add(user.id);
          changes.push(change);
        }
      }
      const have = server.preferences.get(user.id);
      const prefs = have ? preferencesDiff(d.preferences, have) : {};
      if (Object.keys(prefs).length > 0)
        changes.push({ kind: "preferences", handle: d.handle, email: d.email, id: user.id, update: prefs, why: describePrefs(prefs) });
    }
    const shared = user ? server.partners.get(user.id) : undefined;
    for (const partner of d.partners) {
      const partnerEmail = handleEmail.get(partner) ?? partner;
      const partnerUser = byEmail.get(partnerEmail.toLowerCase());
      if (!d.apiKeyKey || !options.env[d.apiKeyKey]) {
        waiting.push(
          `${d.handle} → ${partner}: partner share waits for ${d.apiKeyKey ? `${d.apiKeyKey} (members.${d.handle}.apiKey)` : `members.${d.handle}.apiKey`}; Immich makes partner shares only with the sharing member's own key`,
        );
        continue;
      }
      // Not read this run: the record says these shares were made (a deep run reads them again).
      if (user && (!shared || shared.includes(partnerUser?.id ?? ""))) continue;
      changes.push({
        kind: "partner",
        handle: d.handle,
        email: d.email,
        partner,
        partnerId: partnerUser?.id,
        why: `${d.handle} shares their library with ${partner}`,
      });
    }
    if (changes.length === before && user) unchanged++;
  }

  for (const change of demotions) {
    const { isAdmin: _, ...rest } = change.fields;
    const keep = change.id === server.callerId || admins.size <= 1;
    if (keep) {
      held.push(
        change.id === server.callerId
          ? `${change.handle} (${change.email}) stays admin: the worker's key is theirs, and Immich lets only another admin change that flag`
          : `${change.handle} (${change.email}) stays admin: the server would have no admin left`,
      );
      const why = change.why
        .split("; ")
        .filter((w) => !w.startsWith("admin flag removed"))
        .join("; ");
      if (Object.keys(rest).length > 0) changes.push({ ...change, fields: rest, why });
      continue;
    }
    admins.delete(change.id);
    changes.push(change);
  }

  const undeclared = server.users
    .filter((u) => u.deletedAt === null && !declared.has(u.email.toLowerCase()))
    .map((u) => ({ email: u.email, name: u.name, id: u.id, isAdmin: u.isAdmin }));
  if (options.prune) {
    for (const u of undeclared) {
      if (u.id === server.callerId) held.push(`${u.email} is not deleted: the worker's key is theirs`);
      else if (u.isAdmin && admins.size <= 1) held.push(`${u.email} is not deleted: the server would have no admin left`);
      else {
        if (u.isAdmin) admins.delete(u.id);
        changes.push({
          kind: "delete",
          email: u.email,
          id: u.id,
          why: "not declared in the spec (--prune; Immich keeps it restorable until its delete delay)",
        });
      }
    }
  }
  return { changes, unchanged, undeclared, waiting, held };
}
