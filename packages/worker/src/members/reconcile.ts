import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ImmichFamilySpec } from "@family/immich-spec";
import {
  createPartnerDeprecated,
  createUserAdmin,
  deleteUserAdmin,
  getMyUser,
  getPartners,
  getUserPreferencesAdmin,
  PartnerDirection,
  restoreUserAdmin,
  searchUsersAdmin,
  type UserAdminResponseDto,
  type UserPreferencesResponseDto,
  updateUserAdmin,
  updateUserPreferencesAdmin,
} from "@immich/sdk";
import { ImmichClient, type ImmichClientOptions } from "../client/immich-client.js";
import { type DesiredMember, desiredMembers } from "./desired.js";
import { type MemberChange, type MemberPlan, planMembers } from "./plan.js";

/** What `reconcileMembers` needs: the spec, the server and its admin key, where member keys and passwords are read, plan or apply. */
export interface MembersReconcileOptions {
  readonly spec: ImmichFamilySpec;
  /** API base URL, ending in `/api`. */
  readonly baseUrl: string;
  /** An admin's key (the worker's). */
  readonly adminApiKey: string;
  /** Where the secrets the spec names are read: members' passwords and API keys. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** false: plan only, no writes. */
  readonly apply: boolean;
  /** Delete (Immich's soft delete) accounts the spec does not declare. */
  readonly prune?: boolean;
  /** Read every member's preferences and partner shares, not only those the record does not vouch for. */
  readonly deep?: boolean;
  /** Where `members.json` records what was last made to match, so a no-op run reads only the user list. */
  readonly stateDir?: string;
  readonly signal?: AbortSignal;
  readonly client?: Partial<ImmichClientOptions>;
}

/** What became of one planned change. */
export type MemberOutcome = "created" | "restored" | "updated" | "preferences" | "partnered" | "deleted" | "failed" | "not applied";

/** What a members run planned and did, with every failure in the server's words. */
export interface MembersReport {
  readonly plan: MemberPlan;
  /** With `apply`: each change's outcome, in plan order. */
  readonly outcomes?: readonly MemberOutcome[];
  readonly failures: readonly string[];
  /** What did not stop the run but costs the next one (the record could not be saved). */
  readonly notes: readonly string[];
  readonly ok: boolean;
}

interface MembersRecord {
  readonly version: 1;
  /** By user id: the preferences and partner handles last seen matching the spec. */
  users: Record<string, { preferences?: string; partners?: string }>;
}

const RECORD_VERSION = 1;
const recordFile = (stateDir: string) => join(stateDir, "members.json");

async function loadRecord(stateDir: string | undefined): Promise<MembersRecord> {
  if (!stateDir) return { version: RECORD_VERSION, users: {} };
  try {
    const parsed = JSON.parse(await readFile(recordFile(stateDir), "utf8")) as MembersRecord;
    if (parsed.version === RECORD_VERSION && typeof parsed.users === "object" && parsed.users !== null) return parsed;
  } catch {
    // Missing or torn: every member is read once.
  }
  return { version: RECORD_VERSION, users: {} };
}

/** Write the record atomically; a failure is a note (the next run reads every member again), never the run's failure. */
async function saveRecord(stateDir: string | undefined, record: MembersRecord, notes: string[]): Promise<void> {
  if (!stateDir) return;
  const file = recordFile(stateDir);
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await mkdir(stateDir, { recursive: true });
    await writeFile(tmp, `${JSON.stringify(record)}\n`, { mode: 0o600 });
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined);
    notes.push(
      `cannot save ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); the next run reads every member's preferences and partners again`,
    );
  }
}

const prefsMark = (d: DesiredMember) => JSON.stringify(d.preferences);
const partnersMark = (d: DesiredMember) => [...d.partners].sort().join(",");

function client(options: MembersReconcileOptions, apiKey: string): ImmichClient {
  return new ImmichClient({ baseUrl: options.baseUrl, apiKey, ...(options.signal ? { signal: options.signal } : {}), ...options.client });
}

/**
 * Plan (and with `apply`, carry out) the family's accounts: one read of who the key is and one of
 * every account; a member's preferences and partner shares are read only when the record in
 * `stateDir` does not already vouch for them (or with `deep`). A run with nothing to do writes nothing.
 */
export async function reconcileMembers(options: MembersReconcileOptions): Promise<MembersReport> {
  const { spec, env } = options;
  const admin = client(options, options.adminApiKey);
  const desired = desiredMembers(spec);
  const record = await loadRecord(options.stateDir);
  const [me, users] = await Promise.all([
    admin.call("who am I", (o) => getMyUser(o)),
    admin.call("list accounts", (o) => searchUsersAdmin({ withDeleted: true }, o)),
  ]);
  const byEmail = new Map(users.map((u) => [u.email.toLowerCase(), u]));
  const failures: string[] = [];
  const { preferences, partners } = await readUnvouched(options, admin, desired, byEmail, record, failures);
  const plan = planMembers(
    desired,
    { users, callerId: me.id, preferences, partners },
    { env, oauth: spec.auth.oauth !== undefined, ...(options.prune ? { prune: true } : {}) },
  );

  // What was read and found matching is vouched for from now on.
  const pending = (id: string, kind: MemberChange["kind"]) => plan.changes.some((c) => "id" in c && c.id === id && c.kind === kind);
  for (const d of desired) {
    const user = byEmail.get(d.email.toLowerCase());
    if (!user) continue;
    if (preferences.has(user.id) && !pending(user.id, "preferences")) vouch(record, d, user.id, "preferences");
    if (partners.has(user.id) && !plan.changes.some((c) => c.kind === "partner" && c.handle === d.handle)) vouch(record, d, user.id, "partners");
  }
  const notes: string[] = [];
  if (!options.apply) {
    await saveRecord(options.stateDir, record, notes);
    return { plan, failures, notes, ok: failures.length === 0 };
  }
  const outcomes = await applyPlan(options, admin, plan, { users, desired, record }, failures);
  await saveRecord(options.stateDir, record, notes);
  return { plan, outcomes, failures, notes, ok: failures.length === 0 };
}

/** Record that `d`'s preferences or partner shares are as the spec says on the server (account `id`). */
function vouch(record: MembersRecord, d: DesiredMember, id: string, what: "preferences" | "partners"): void {
  const entry = record.users[id] ?? {};
  record.users[id] = entry;
  entry[what] = what === "preferences" ? prefsMark(d) : partnersMark(d);
}

/**
 * The preferences and partner shares of the members whose record does not vouch for them (all with
 * `deep`); a member's partners are read with their own key, and a failed read is a failure, not the run's end.
 */
async function readUnvouched(
  options: MembersReconcileOptions,
  admin: ImmichClient,
  desired: readonly DesiredMember[],
  byEmail: ReadonlyMap<string, UserAdminResponseDto>,
  record: MembersRecord,
  failures: string[],
): Promise<{ preferences: Map<string, UserPreferencesResponseDto>; partners: Map<string, string[]> }> {
  const preferences = new Map<string, UserPreferencesResponseDto>();
  const partners = new Map<string, string[]>();
  for (const d of desired) {
    const user = byEmail.get(d.email.toLowerCase());
    if (!user || user.deletedAt !== null) continue;
    const seen = record.users[user.id];
    if (Object.keys(d.preferences).length > 0 && (options.deep || seen?.preferences !== prefsMark(d)))
      preferences.set(user.id, await admin.call(`read ${d.handle}'s preferences`, (o) => getUserPreferencesAdmin({ id: user.id }, o)));
    const key = d.apiKeyKey ? options.env[d.apiKeyKey] : undefined;
    if (d.partners.length > 0 && key && (options.deep || seen?.partners !== partnersMark(d))) {
      try {
        const shared = await client(options, key).call(`read ${d.handle}'s partners`, (o) => getPartners({ direction: PartnerDirection.SharedBy }, o));
        partners.set(
          user.id,
          shared.map((p) => p.id),
        );
      } catch (error) {
        failures.push(`${d.handle}: ${(error as Error).message}`);
      }
    }
  }
  return { preferences, partners };
}

/**
 * Carry out the plan's changes in order, each on its own (a failure is recorded, the rest goes on), and
 * vouch for what they made: a new account's preferences, preferences set, a member's partner shares once all are made.
 */
async function applyPlan(
  options: MembersReconcileOptions,
  admin: ImmichClient,
  plan: MemberPlan,
  { users, desired, record }: { users: readonly UserAdminResponseDto[]; desired: readonly DesiredMember[]; record: MembersRecord },
  failures: string[],
): Promise<MemberOutcome[]> {
  const outcomes: MemberOutcome[] = [];
  const ids = new Map(users.filter((u) => u.deletedAt === null).map((u) => [u.email.toLowerCase(), u.id]));
  const desiredOf = new Map(desired.map((d) => [d.handle, d]));
  for (const change of plan.changes) {
    try {
      outcomes.push(await applyChange(options, admin, change, ids, desiredOf));
      const d = "handle" in change ? desiredOf.get(change.handle) : undefined;
      const id = d ? ids.get(d.email.toLowerCase()) : undefined;
      if (d && id && (change.kind === "create" || change.kind === "preferences")) vouch(record, d, id, "preferences");
    } catch (error) {
      outcomes.push("failed");
      failures.push(`${"handle" in change ? `${change.handle} (${change.email})` : change.email}: ${change.kind}: ${(error as Error).message}`);
    }
  }
  for (const d of desired) {
    const id = ids.get(d.email.toLowerCase());
    const mine = plan.changes.flatMap((c, i) => (c.kind === "partner" && c.handle === d.handle ? [i] : []));
    if (id && mine.length > 0 && mine.every((i) => outcomes[i] === "partnered")) vouch(record, d, id, "partners");
  }
  return outcomes;
}

async function applyChange(
  options: MembersReconcileOptions,
  admin: ImmichClient,
  change: MemberChange,
  ids: Map<string, string>,
  desiredOf: ReadonlyMap<string, DesiredMember>,
): Promise<MemberOutcome> {
  switch (change.kind) {
    case "create": {
      const d = desiredOf.get(change.handle)!;
      const given = d.passwordKey ? options.env[d.passwordKey] : undefined;
      // An OAuth-only member gets a password no one knows: the account exists to be linked by email at the first login.
      const password = given ?? randomBytes(32).toString("base64url");
      const created: UserAdminResponseDto = await admin.once(`create ${change.handle}'s account`, (o) =>
        createUserAdmin(
          {
            userAdminCreateDto: {
              email: change.email,
              name: change.fields.name,
              password,
              isAdmin: change.fields.isAdmin,
              quotaSizeInBytes: change.fields.quotaSizeInBytes,
              shouldChangePassword: given !== undefined,
              ...(change.fields.storageLabel ? { storageLabel: change.fields.storageLabel } : {}),
            },
          },
          o,
        ),
      );
      ids.set(change.email.toLowerCase(), created.id);
      if (Object.keys(d.preferences).length > 0)
        await admin.call(`set ${change.handle}'s preferences`, (o) =>
          updateUserPreferencesAdmin({ id: created.id, userPreferencesUpdateDto: d.preferences }, o),
        );
      return "created";
    }
    case "restore":
      await admin.call(`restore ${change.handle}'s account`, (o) => restoreUserAdmin({ id: change.id }, o));
      ids.set(change.email.toLowerCase(), change.id);
      return "restored";
    case "update":
      await admin.call(`update ${change.handle}'s account`, (o) => updateUserAdmin({ id: change.id, userAdminUpdateDto: change.fields }, o));
      return "updated";
    case "preferences":
      await admin.call(`set ${change.handle}'s preferences`, (o) => updateUserPreferencesAdmin({ id: change.id, userPreferencesUpdateDto: change.update }, o));
      return "preferences";
    case "partner": {
      const d = desiredOf.get(change.handle)!;
      const partnerEmail = desiredOf.get(change.partner)?.email ?? change.partner;
      const partnerId = change.partnerId ?? ids.get(partnerEmail.toLowerCase());
      if (!partnerId) throw new Error(`${change.partner} has no account yet; the share is made once it exists`);
      const key = d.apiKeyKey ? options.env[d.apiKeyKey] : undefined;
      if (!key) throw new Error(`members.${change.handle}.apiKey is not set`);
      await client(options, key).once(`share ${change.handle}'s library with ${change.partner}`, (o) => createPartnerDeprecated({ id: partnerId }, o));
      return "partnered";
    }
    case "delete":
      await admin.once(`delete ${change.email}`, (o) => deleteUserAdmin({ id: change.id, userAdminDeleteDto: {} }, o));
      return "deleted";
  }
}
