import type { ImmichFamilySpec } from "@family/immich-spec";
import { createApiKey, deleteApiKey, getApiKeys, getMyApiKey, getServerConfig, login, type Permission, signUpAdmin } from "@immich/sdk";
import { ImmichApiError } from "../client/api-error.js";
import { ImmichClient, type ImmichClientOptions } from "../client/immich-client.js";
import { albumKeyPermissions, grants, memberKeyPermissions, workerKeyPermissions } from "../doctor/required-permissions.js";
import { firstAdmin } from "../members/desired.js";
import type { KeyStore } from "./key-store.js";

/** The name bootstrap gives the worker's key on the server (keys of that name it did not keep are its own leftovers). */
export const WORKER_KEY_NAME = "immich-family worker";

/** Why bootstrap cannot go on; the message says what to set. */
export class BootstrapError extends Error {
  override readonly name = "BootstrapError";
}

/** What `bootstrap` needs: the spec, the server, the secrets, where the key is kept, and a key the user gave (which wins). */
export interface BootstrapOptions {
  readonly spec: ImmichFamilySpec;
  /** API base URL, ending in `/api`. */
  readonly baseUrl: string;
  /** Where the first admin's password secret is read (`members.<h>.password`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly store: KeyStore;
  /** A key the user set (the spec's `worker.apiKey` env var): used as it is, never replaced. */
  readonly givenKey?: string;
  readonly signal?: AbortSignal;
  readonly client?: Partial<ImmichClientOptions>;
}

/** What bootstrap found and did; `apiKey` is for the caller to use, never to print. */
export interface BootstrapReport {
  readonly admin: "created" | "existed";
  readonly key: "given" | "kept" | "created" | "replaced";
  readonly apiKey: string;
  /** The permissions the worker's key has (or, for a given key, lacks: see `missing`). */
  readonly permissions: readonly string[];
  /** For a key the user gave: the permissions it lacks. */
  readonly missing: readonly string[];
  /** One line per step, naming who and what (never a secret). */
  readonly steps: readonly string[];
}

/**
 * Exactly the permissions the worker's key needs for this spec: libraries and scans, the family's
 * accounts, and the albums and partner shares of the first admin (the key's own user).
 */
export function bootstrapPermissions(spec: ImmichFamilySpec): string[] {
  const first = firstAdmin(spec);
  const owned = first
    ? Object.entries(spec.libraries)
        .filter(([, l]) => l.owner === first.handle)
        .map(([h]) => h)
    : [];
  const needs = new Set<string>([
    ...workerKeyPermissions(spec).map((n) => n.permission),
    ...(Object.keys(spec.libraries).length > 0 ? ["queue.read"] : []),
    "user.read",
    ...memberKeyPermissions(spec).map((n) => n.permission),
    ...albumKeyPermissions(spec, owned).map((n) => n.permission),
    ...(first && spec.members[first.handle]?.partners?.length ? ["partner.read", "partner.create"] : []),
  ]);
  return [...needs].sort();
}

const statusOf = (error: unknown) => (error instanceof ImmichApiError ? error.status : undefined);

/**
 * Take a fresh server to a working worker key, or check one that has it. With no admin, signs up the
 * spec's first admin member (its `password` secret); then keeps the worker's key: a key the user gave
 * is used as it is; a stored one is kept while it is valid and has every permission; otherwise bootstrap
 * logs in as the first admin, makes a key with exactly the permissions the spec needs, stores it (atomically)
 * and only then deletes the old one and any leftover of its own. Idempotent: a second run changes nothing.
 */
export async function bootstrap(options: BootstrapOptions): Promise<BootstrapReport> {
  const { spec, store } = options;
  const base = { baseUrl: options.baseUrl, ...(options.signal ? { signal: options.signal } : {}), ...options.client };
  const run: Run = {
    base,
    anonymous: new ImmichClient({ ...base, apiKey: "" }),
    needed: bootstrapPermissions(spec),
    firstAdmin: () => firstAdminLogin(spec, options.env),
    steps: [],
  };
  const admin = await signUpFirstAdmin(run);
  if (options.givenKey) return { admin, ...(await checkGivenKey(run, options.givenKey, spec.worker.apiKey.key)), steps: run.steps };
  const stored = await store.read();
  const check = stored ? await checkStoredKey(run, stored, store) : undefined;
  if (check && "key" in check) return { admin, ...check, steps: run.steps };
  const session = await logIn(run, spec.worker.apiKey.key);
  const apiKey = await makeWorkerKey(run, session, store, check?.oldId);
  return { admin, key: stored ? "replaced" : "created", apiKey, permissions: run.needed, missing: [], steps: run.steps };
}

/** What every step of one bootstrap shares: the server, the permissions the key needs, the first admin, and the steps taken. */
interface Run {
  readonly base: Partial<ImmichClientOptions> & { readonly baseUrl: string };
  readonly anonymous: ImmichClient;
  readonly needed: readonly string[];
  /** The first admin's login, read when a step needs it (a missing one is a BootstrapError saying what to set). */
  readonly firstAdmin: () => FirstAdminLogin;
  readonly steps: string[];
}

type KeyCheck = Pick<BootstrapReport, "key" | "apiKey" | "permissions" | "missing">;

interface FirstAdminLogin {
  readonly handle: string;
  readonly email: string;
  readonly name: string;
  readonly password: string;
  /** Where the password was read (`members.<h>.password`'s secret key). */
  readonly passwordKey: string;
}

function firstAdminLogin(spec: ImmichFamilySpec, env: BootstrapOptions["env"]): FirstAdminLogin {
  const first = firstAdmin(spec);
  if (!first)
    throw new BootstrapError("The spec declares no admin member: set admin: true on the member who administers Immich (bootstrap signs them up first).");
  if (!first.passwordKey)
    throw new BootstrapError(
      `members.${first.handle}.password is not set: give the first admin's password as a secret, e.g. password: \${${first.handle.toUpperCase().replace(/-/g, "_")}_PASSWORD}`,
    );
  const value = env[first.passwordKey];
  if (!value)
    throw new BootstrapError(`${first.passwordKey} (members.${first.handle}.password) is not set: put ${first.handle}'s password in the secrets env file`);
  return { email: first.email, name: first.name, password: value, handle: first.handle, passwordKey: first.passwordKey };
}

/** Sign up the first admin on a server that has none (a server that refuses sign-up is a BootstrapError). */
async function signUpFirstAdmin(run: Run): Promise<BootstrapReport["admin"]> {
  const config = await run.anonymous.call("read the server's state", (o) => getServerConfig(o));
  if (config.isInitialized) return "existed";
  const who = run.firstAdmin();
  try {
    await run.anonymous.once(`sign up ${who.handle} as the first admin`, (o) =>
      signUpAdmin({ signUpDto: { email: who.email, name: who.name, password: who.password } }, o),
    );
    run.steps.push(`signed up ${who.handle} (${who.email}) as the first admin`);
    return "created";
  } catch (error) {
    const message = (error as Error).message;
    if (/already has an admin/.test(message)) {
      run.steps.push("an admin appeared meanwhile; left as it is");
      return "existed";
    }
    if (/setup is disabled/i.test(message))
      throw new BootstrapError(
        "The server has no admin and refuses admin sign-up (IMMICH_ALLOW_SETUP=false): allow setup once, or create the first admin through a port-forward, then run bootstrap again.",
      );
    throw error;
  }
}

/** A key the user gave is used as it is, whatever it lacks; one the server refuses is a BootstrapError (never replaced). */
async function checkGivenKey(run: Run, givenKey: string, envKey: string): Promise<KeyCheck> {
  const key = new ImmichClient({ ...run.base, apiKey: givenKey });
  try {
    const me = await key.call("check the given key", (o) => getMyApiKey(o));
    const missing = run.needed.filter((p) => !grants(me.permissions, p));
    run.steps.push(missing.length > 0 ? `the given key lacks ${missing.join(", ")}; it is used as it is` : "the given key has every permission needed");
    return { key: "given", apiKey: givenKey, permissions: me.permissions, missing };
  } catch (error) {
    if (statusOf(error) === 401)
      throw new BootstrapError(
        `The API key given in ${envKey} is not valid (revoked?). A key given by the user is never replaced: remove it so bootstrap makes and keeps the worker's own key, or give a valid one.`,
      );
    throw error;
  }
}

/**
 * The stored key, when it is to be used: valid with every permission, or made by hand (theirs, used as
 * a given key is). Otherwise what to replace: `oldId`, the key to delete once a new one is kept.
 */
async function checkStoredKey(run: Run, stored: string, store: KeyStore): Promise<KeyCheck | { readonly oldId?: string }> {
  const key = new ImmichClient({ ...run.base, apiKey: stored });
  try {
    const me = await key.call("check the stored key", (o) => getMyApiKey(o));
    const missing = run.needed.filter((p) => !grants(me.permissions, p));
    if (me.name !== WORKER_KEY_NAME) {
      // A key someone made by hand and put there: theirs, so it wins as a given key does.
      run.steps.push(
        `${store.where} holds a key bootstrap did not make (${JSON.stringify(me.name)}); it is used as it is${missing.length > 0 ? `, lacking ${missing.join(", ")}` : ""}`,
      );
      return { key: "given", apiKey: stored, permissions: me.permissions, missing };
    }
    if (missing.length === 0) {
      run.steps.push(`the worker's key (${store.where}) is valid and has every permission needed`);
      return { key: "kept", apiKey: stored, permissions: me.permissions, missing: [] };
    }
    run.steps.push(`the worker's key lacks ${missing.join(", ")}: replaced`);
    return { oldId: me.id };
  } catch (error) {
    if (statusOf(error) !== 401) throw error;
    run.steps.push("the worker's stored key is no longer valid (revoked): replaced");
    return {};
  }
}

/** A session as the first admin, to make the worker's key with (a refused password is a BootstrapError). */
async function logIn(run: Run, envKey: string): Promise<string> {
  const who = run.firstAdmin();
  try {
    return (await run.anonymous.once(`log in as ${who.handle}`, (o) => login({ loginCredentialDto: { email: who.email, password: who.password } }, o)))
      .accessToken;
  } catch (error) {
    if (statusOf(error) === 401)
      throw new BootstrapError(
        `Cannot log in as ${who.handle} (${who.email}) to make the worker's key: ${who.passwordKey} holds a password the server refuses (changed since?). Put the current one there, or give the worker a key in ${envKey}.`,
      );
    throw error;
  }
}

/** Make the worker's key and keep it; only then delete the old one (`oldId`) and leftovers of runs whose key was never kept. */
async function makeWorkerKey(run: Run, session: string, store: KeyStore, oldId: string | undefined): Promise<string> {
  const asAdmin = new ImmichClient({ ...run.base, apiKey: "", accessToken: session });
  const created = await asAdmin.once("make the worker's key", (o) =>
    createApiKey({ apiKeyCreateDto: { name: WORKER_KEY_NAME, permissions: run.needed as Permission[] } }, o),
  );
  const newId = created.apiKey?.id ?? (created as { id?: string }).id;
  await store.write(created.secret);
  run.steps.push(`made the worker's key with ${run.needed.length} permissions; kept in ${store.where}`);
  const mine = await asAdmin.call("list keys", (o) => getApiKeys(o));
  for (const k of mine) {
    if (k.id === newId || (k.id !== oldId && k.name !== WORKER_KEY_NAME)) continue;
    await asAdmin.call("delete the old key", (o) => deleteApiKey({ id: k.id }, o));
    run.steps.push(`deleted the worker's old key ${k.id}`);
  }
  return created.secret;
}
