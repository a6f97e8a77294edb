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

/** How `planMembers` plans: prune undeclared accounts or not, where secrets are read, whether members log in by OAuth. */
interface PlanOptions {
  readonly prune?: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly oauth: boolean;
}

/**
 * The members plan: create missing accounts (restore soft-deleted ones), make name, admin flag, quota
 * and storage label follow the spec, set the preferences it states, make its partner shares, and
 * with `prune` delete undeclared accounts. Never demotes or deletes the last admin nor changes the
 * key user's own admin flag (Immich refuses that too).
 */
export function planMembers(desired: readonly DesiredMember[], server: MembersServerState, options: PlanOptions): MemberPlan {
  const p: Planning = {
    server,
    options,
    byEmail: new Map(server.users.map((u) => [u.email.toLowerCase(), u])),
    handleEmail: new Map(desired.map((d) => [d.handle, d.email])),
    admins: new Set(server.users.filter((u) => u.deletedAt === null && u.isAdmin).map((u) => u.id)),
    demotions: [],
    changes: [],
    waiting: [],
    held: [],
  };
  let unchanged = 0;
  for (const d of desired) {
    const user = p.byEmail.get(d.email.toLowerCase());
    const before = p.changes.length;
    if (user) planAccount(p, d, user);
    else if (!planCreate(p, d)) continue;
    planPartners(p, d, user);
    if (p.changes.length === before && user) unchanged++;
  }
  planDemotions(p);
  const declared = new Set(desired.map((d) => d.email.toLowerCase()));
  const undeclared = server.users
    .filter((u) => u.deletedAt === null && !declared.has(u.email.toLowerCase()))
    .map((u) => ({ email: u.email, name: u.name, id: u.id, isAdmin: u.isAdmin }));
  if (options.prune) planPrune(p, undeclared);
  return { changes: p.changes, unchanged, undeclared, waiting: p.waiting, held: p.held };
}

/** One members plan as it is made. */
interface Planning {
  readonly server: MembersServerState;
  readonly options: PlanOptions;
  readonly byEmail: ReadonlyMap<string, UserAdminResponseDto>;
  readonly handleEmail: ReadonlyMap<string, string>;
  /** Admins once the plan is applied: demotions and deletions are checked against this. */
  readonly admins: Set<string>;
  /** Admin flags to remove, decided once every member is planned. */
  readonly demotions: Extract<MemberChange, { kind: "update" }>[];
  readonly changes: MemberChange[];
  readonly waiting: string[];
  readonly held: string[];
}

/** A member without an account: create it, or say what it waits for (false: nothing more to plan for them). */
function planCreate(p: Planning, d: DesiredMember): boolean {
  const password = d.passwordKey ? p.options.env[d.passwordKey] : undefined;
  if (!password && !p.options.oauth) {
    p.waiting.push(
      d.passwordKey
        ? `${d.handle} (${d.email}): no account yet; ${d.passwordKey} (members.${d.handle}.password) is not set`
        : `${d.handle} (${d.email}): no account yet; give members.${d.handle}.password a secret key with the initial password`,
    );
    return false;
  }
  p.changes.push({
    kind: "create",
    handle: d.handle,
    email: d.email,
    fields: { name: d.name, isAdmin: d.isAdmin, quotaSizeInBytes: d.quotaSizeInBytes, ...(d.storageLabel ? { storageLabel: d.storageLabel } : {}) },
    why: password ? "no account; initial password from the secrets, changed at first login" : "no account; linked by email at the first OAuth login",
  });
  return true;
}

/** A member with an account: restore it if deleted, make its fields follow the spec (a demotion waits), set its preferences. */
function planAccount(p: Planning, d: DesiredMember, user: UserAdminResponseDto): void {
  if (user.deletedAt !== null) p.changes.push({ kind: "restore", handle: d.handle, email: d.email, id: user.id, why: "the account was deleted on the server" });
  const { fields, why } = accountDiff(d, user);
  if (why.length > 0) {
    const change = { kind: "update", handle: d.handle, email: d.email, id: user.id, fields, why: why.join("; ") } as const;
    if (fields.isAdmin === false) p.demotions.push(change);
    else {
      if (fields.isAdmin === true) p.admins.add(user.id);
      p.changes.push(change);
    }
  }
  const have = p.server.preferences.get(user.id);
  const prefs = have ? preferencesDiff(d.preferences, have) : {};
  if (Object.keys(prefs).length > 0)
    p.changes.push({ kind: "preferences", handle: d.handle, email: d.email, id: user.id, update: prefs, why: describePrefs(prefs) });
}

/** The account fields that differ from the spec, and why each changes. */
function accountDiff(d: DesiredMember, user: UserAdminResponseDto): { readonly fields: AccountFields; readonly why: readonly string[] } {
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
  return { fields, why };
}

/** The member's partner shares not made yet; each waits for the member's own key (Immich makes them only with it). */
function planPartners(p: Planning, d: DesiredMember, user: UserAdminResponseDto | undefined): void {
  const shared = user ? p.server.partners.get(user.id) : undefined;
  for (const partner of d.partners) {
    const partnerEmail = p.handleEmail.get(partner) ?? partner;
    const partnerUser = p.byEmail.get(partnerEmail.toLowerCase());
    if (!d.apiKeyKey || !p.options.env[d.apiKeyKey]) {
      p.waiting.push(
        `${d.handle} → ${partner}: partner share waits for ${d.apiKeyKey ? `${d.apiKeyKey} (members.${d.handle}.apiKey)` : `members.${d.handle}.apiKey`}; Immich makes partner shares only with the sharing member's own key`,
      );
      continue;
    }
    // Not read this run: the record says these shares were made (a deep run reads them again).
    if (user && (!shared || shared.includes(partnerUser?.id ?? ""))) continue;
    p.changes.push({
      kind: "partner",
      handle: d.handle,
      email: d.email,
      partner,
      partnerId: partnerUser?.id,
      why: `${d.handle} shares their library with ${partner}`,
    });
  }
}

/** Demote only while another admin stays and never the key's own user; a held demotion keeps the rest of its update. */
function planDemotions(p: Planning): void {
  for (const change of p.demotions) {
    const { isAdmin: _, ...rest } = change.fields;
    const keep = change.id === p.server.callerId || p.admins.size <= 1;
    if (keep) {
      p.held.push(
        change.id === p.server.callerId
          ? `${change.handle} (${change.email}) stays admin: the worker's key is theirs, and Immich lets only another admin change that flag`
          : `${change.handle} (${change.email}) stays admin: the server would have no admin left`,
      );
      const why = change.why
        .split("; ")
        .filter((w) => !w.startsWith("admin flag removed"))
        .join("; ");
      if (Object.keys(rest).length > 0) p.changes.push({ ...change, fields: rest, why });
      continue;
    }
    p.admins.delete(change.id);
    p.changes.push(change);
  }
}

/** Delete undeclared accounts (`--prune`), never the key's own user nor the last admin. */
function planPrune(p: Planning, undeclared: MemberPlan["undeclared"]): void {
  for (const u of undeclared) {
    if (u.id === p.server.callerId) p.held.push(`${u.email} is not deleted: the worker's key is theirs`);
    else if (u.isAdmin && p.admins.size <= 1) p.held.push(`${u.email} is not deleted: the server would have no admin left`);
    else {
      if (u.isAdmin) p.admins.delete(u.id);
      p.changes.push({
        kind: "delete",
        email: u.email,
        id: u.id,
        why: "not declared in the spec (--prune; Immich keeps it restorable until its delete delay)",
      });
    }
  }
}
