import { type ImmichFamilySpec, type Library, libraryImportPaths, libraryName, type Member } from "@family/immich-spec";
import { getAllAlbums, getAllLibraries, getMyUser, searchUsers } from "@immich/sdk";
import { ImmichClient, type ImmichClientOptions } from "../client/immich-client.js";
import { checkNameRules } from "./album-name.js";
import { plural } from "./change-words.js";
import { type AppliedChange, applyChange } from "./_apply.js";
import { foldersOf, missingRoots, readAlbumAssets, readAlbumProps, readAssets, readLibraryAssets } from "./_read.js";
import { loadRecord, recordFile, saveRecord } from "./_record.js";
import { type DesiredState, desiredAlbums, folderAlbums } from "./desired.js";
import { FolderIndex } from "./_folders.js";
import { fingerprint, matchMoves, type MovedAsset } from "./_identity.js";
import { type AlbumChange, type AlbumPlan, albumsToRead, type Moves, ourAlbums, planAlbums } from "./plan.js";
import { type ServerAlbum, toServerAlbum } from "./server-album.js";

/** What `reconcileAlbums` needs: the spec, the server, the keys, and plan-or-apply with its flags. */
export interface AlbumReconcileOptions {
  readonly spec: ImmichFamilySpec;
  /** API base URL, ending in `/api`. */
  readonly baseUrl: string;
  /** Where the keys the spec references (`worker.apiKey`, `members.<m>.apiKey`) are read from. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The admin key when it does not come from `env` (e.g. `--api-key-file`). @default env[spec.worker.apiKey] */
  readonly adminApiKey?: string;
  /** Where `adminApiKey` came from (a key file's path, an env var's name), for messages. @default "--api-key-file" */
  readonly adminKeyName?: string;
  /** Only this library (handle). */
  readonly library?: string;
  /** false: plan only, no writes. */
  readonly apply: boolean;
  readonly allowRemovals?: boolean;
  readonly cleanupEmpty?: boolean;
  readonly signal?: AbortSignal;
  /** Albums applied so far, for a progress bar or log lines. */
  readonly onProgress?: (event: { library: string; done: number; total: number }) => void;
  /** Client settings (timeouts, backoff), mainly for tests. */
  readonly client?: Partial<ImmichClientOptions>;
  /** Read the assets of every album of ours, not only those whose count differs (one search per album). @default false */
  readonly deep?: boolean;
  /** Albums applied at once. @default 4 */
  readonly concurrency?: number;
  /**
   * Where the last read of each library's assets is kept (`<stateDir>/albums/<library>.assets`), so the
   * next run reads only the assets that changed since. Without it every run reads every asset.
   */
  readonly stateDir?: string;
}

/** How many albums ended each way in one run (each album counts once; `failed` wins). */
export interface AlbumOutcomes {
  /** New albums. */
  created: number;
  /** Albums kept for a renamed or moved folder (new name, the moved photos added). */
  renamed: number;
  /** Existing albums that took new files or changed properties. */
  updated: number;
  /** Existing albums whose drift on the server was undone (a share, a role, a photo removed there). */
  repaired: number;
  /** Albums with a step that failed (retried by the next run). */
  failed: number;
  /** Albums left untouched because of a bad `.albumprops` on their way (or an empty name). */
  skipped: number;
}

/** What a run did: counts a user reads, plus what it repaired and what failed. */
export interface AlbumSummary {
  created: number;
  assetsAdded: number;
  assetsRemoved: number;
  sharesAdded: number;
  deleted: number;
  updated: number;
  visibilityChanged: number;
  /** Drift fixed on existing albums, each naming its album: shares re-added, roles fixed, users removed, photos re-added. */
  repaired: string[];
  /** Albums kept for a renamed or moved folder: `"old name" → "new name"`. */
  renamed: string[];
  /** Per album: created, updated, repaired, failed, skipped. */
  albums: AlbumOutcomes;
}

/** What happened to one planned album change. */
export type AlbumOutcome = "created" | "renamed" | "updated" | "repaired" | "deleted" | "failed" | "not applied";

/** What an album sync did for one library, with every failure in the server's words. */
export interface LibraryAlbumResult {
  readonly library: string;
  /**
   * The run could not start for want of a key: one is not set, the server rejects it (401), or it is
   * another user's. The user's move (the CLI exits 2), not a retry's. `key` is where it comes from.
   */
  readonly credentials?: { readonly key: string; readonly problem: "missing" | "rejected" | "wrong-user" };
  /** With `apply`: each planned change's outcome, in plan order. */
  readonly outcomes?: readonly AlbumOutcome[];
  /** How the library's assets were read: all of them, or what changed since the last run's record. */
  readonly read?: { readonly how: "full" | "changes"; readonly assets: number; readonly changed: number };
  readonly plan?: AlbumPlan;
  readonly summary: AlbumSummary;
  /** Every failure, each with the server's message; the next run retries them. */
  readonly failures: string[];
}

/** The album sync of every library; `ok` when none failed. */
export interface AlbumReconcileReport {
  readonly libraries: LibraryAlbumResult[];
  readonly ok: boolean;
}

const emptySummary = (): AlbumSummary => ({
  created: 0,
  assetsAdded: 0,
  assetsRemoved: 0,
  sharesAdded: 0,
  deleted: 0,
  updated: 0,
  visibilityChanged: 0,
  repaired: [],
  renamed: [],
  albums: { created: 0, renamed: 0, updated: 0, repaired: 0, failed: 0, skipped: 0 },
});

/** Plan (and with `apply`, reconcile) the folder albums of every library that declares `albums`. */
export async function reconcileAlbums(options: AlbumReconcileOptions): Promise<AlbumReconcileReport> {
  const { spec } = options;
  const handles = Object.entries(spec.libraries)
    .filter(([handle, lib]) => lib.albums && (options.library === undefined || options.library === handle))
    .map(([handle]) => handle);
  if (options.library !== undefined && handles.length === 0) {
    const known = Object.keys(spec.libraries).join(", ");
    return {
      ok: false,
      libraries: [
        {
          library: options.library,
          summary: emptySummary(),
          failures: [`library ${options.library} does not exist or declares no albums (libraries: ${known})`],
        },
      ],
    };
  }
  const results: LibraryAlbumResult[] = [];
  for (const handle of handles) {
    results.push(await reconcileLibraryAlbums(options, handle, spec.libraries[handle]!));
  }
  return { libraries: results, ok: results.every((r) => r.failures.length === 0) };
}

function client(options: AlbumReconcileOptions, apiKey: string, keyName: string): ImmichClient {
  return new ImmichClient({ baseUrl: options.baseUrl, apiKey, keyName, ...(options.signal ? { signal: options.signal } : {}), ...options.client });
}

/** Why a library's run has no usable key: the message, and the credentials problem for the report. */
interface KeyProblem {
  readonly message: string;
  readonly credentials: NonNullable<LibraryAlbumResult["credentials"]>;
}

/** The clients a library's albums are built with: the owner's, and the admin's when there is an admin key. */
interface OwnerClients {
  readonly admin: ImmichClient | undefined;
  readonly owner: ImmichClient;
  readonly ownerId: string;
}

/** Step 1. Albums belong to the key's user: use the owner's key, or the admin key when its user is the owner. */
async function ownerClients(options: AlbumReconcileOptions, handle: string, lib: Library, owner: Member): Promise<OwnerClients | KeyProblem> {
  const { spec } = options;
  const adminName = options.adminApiKey ? (options.adminKeyName ?? "--api-key-file") : spec.worker.apiKey.key;
  const adminKey = options.adminApiKey ?? options.env[spec.worker.apiKey.key];
  const ownerKeyName = owner.apiKey?.key;
  const ownerKey = ownerKeyName ? options.env[ownerKeyName] : undefined;
  const whoAmI = async (c: ImmichClient, key: string) => {
    try {
      return await c.call("who am I", (o) => getMyUser(o));
    } catch (error) {
      if ((error as { kind?: unknown }).kind === "auth")
        return { rejected: { message: `library ${handle}: ${(error as Error).message}`, credentials: { key, problem: "rejected" as const } } };
      throw error;
    }
  };
  let admin: ImmichClient | undefined;
  if (adminKey) {
    admin = client(options, adminKey, adminName);
    const me = await whoAmI(admin, adminName);
    if ("rejected" in me) return me.rejected;
    if (me.email.toLowerCase() === owner.email.toLowerCase()) return { admin, owner: admin, ownerId: me.id };
  }
  if (!ownerKey) {
    const ownKey = ownerKeyName ?? `members.${lib.owner}.apiKey`;
    const message = adminKey
      ? `library ${handle}: its albums belong to ${lib.owner} (${owner.email}), and the key in ${adminName} is another user's; set ${ownerKeyName ? ownerKeyName : `members.${lib.owner}.apiKey in the spec and its key`} to ${lib.owner}'s API key`
      : owner.admin
        ? `${adminName} is not set. Put ${lib.owner}'s API key in ${adminName} (the spec's worker.apiKey: ${lib.owner} is an admin and owns library ${handle}), or pass --api-key-file`
        : `${adminName} is not set. Put an admin's API key in ${adminName} (the spec's worker.apiKey), or pass --api-key-file; library ${handle}'s albums belong to ${lib.owner} (${owner.email}): also set ${ownKey} to ${lib.owner}'s API key`;
    return { message, credentials: { key: adminKey ? ownKey : adminName, problem: "missing" } };
  }
  const ownerClient = client(options, ownerKey, ownerKeyName!);
  const me = await whoAmI(ownerClient, ownerKeyName!);
  if ("rejected" in me) return me.rejected;
  if (me.email.toLowerCase() !== owner.email.toLowerCase())
    return {
      message: `library ${handle}: ${ownerKeyName} belongs to ${me.email}, not to the owner ${owner.email}`,
      credentials: { key: ownerKeyName!, problem: "wrong-user" },
    };
  return { admin, owner: ownerClient, ownerId: me.id };
}

/** Step 2. The server's users: ids by email, emails by id, and who a name in the spec or an `.albumprops` means. */
async function serverUsers(spec: ImmichFamilySpec, c: ImmichClient) {
  // The admin key sees everyone; another key only with server.publicUsers.
  const users = await c.call("list users", (o) => searchUsers(o));
  const idByEmail = new Map(users.map((u) => [u.email.toLowerCase(), u.id]));
  const emailById = new Map(users.map((u) => [u.id, u.email]));
  const memberEmail = new Map(Object.entries(spec.members).map(([h, m]) => [h, m.email.toLowerCase()]));
  const knownEmails = new Set([...memberEmail.values(), ...idByEmail.keys()]);
  const resolveUser = (u: string) => {
    const v = u.trim().toLowerCase();
    return memberEmail.get(v) ?? (knownEmails.has(v) ? v : undefined);
  };
  return { idByEmail, emailById, resolveUser };
}

/** The library's assets as step 3 read them. */
interface LibraryRead {
  readonly assets: FolderIndex;
  readonly complete: boolean;
  readonly read: LibraryAlbumResult["read"];
  /** Assets new since the last run's record. */
  readonly added: ReadonlySet<string> | undefined;
  /** Why the read is incomplete (a failure), when it is. */
  readonly incomplete?: string;
  readonly notes: readonly string[];
  /** Files renamed or moved since the record (the server made them new assets). */
  readonly moved: readonly MovedAsset[];
  /** Saves the record when the run has carried out the renames it plans (the next run would not see the moves again). */
  readonly save?: () => Promise<void>;
}

/**
 * Step 3. The library's assets: with an admin key, through the server's library (all of them, or only what changed
 * since the record in `stateDir`); without, by path under each import root. A string says why not.
 */
async function readLibrary(
  options: AlbumReconcileOptions,
  handle: string,
  lib: Library,
  owner: Member,
  clients: OwnerClients,
  roots: readonly string[],
  missing: readonly string[],
): Promise<LibraryRead | string> {
  const { admin, owner: oc, ownerId } = clients;
  if (!admin) {
    const assets = new FolderIndex();
    await Promise.all(roots.map((r) => readAssets(oc, { originalPath: `${r}/` }, [r], assets)));
    return { assets, complete: false, read: undefined, added: undefined, notes: [], moved: [] };
  }
  const name = libraryName(handle, lib);
  const libraryId = (await admin.call("list libraries", (o) => getAllLibraries(o))).find((l) => l.name === name && l.ownerId === ownerId)?.id;
  if (!libraryId) return `library ${handle}: no library named ${JSON.stringify(name)} owned by ${owner.email} on the server; run \`immich-family scan\` first`;
  const file = options.stateDir ? recordFile(options.stateDir, handle) : undefined;
  const saved = file && !options.deep ? await loadRecord(file) : undefined;
  const record = saved && saved.server === oc.baseUrl && saved.libraryId === libraryId && saved.ownerId === ownerId ? saved : undefined;
  const r = await readLibraryAssets(oc, libraryId, roots, record);
  // The files of new assets (of every asset, on a first read): what they are on disk, to know them again once moved.
  const looked = await fingerprint(r.assets, missing);
  const moved = r.moved ? matchMoves(r.assets, r.moved.added, r.moved.gone) : [];
  const notes: string[] = [];
  let save: (() => Promise<void>) | undefined;
  if (r.complete && file && r.watermark && (r.changed > 0 || looked > 0 || r.watermark !== record?.watermark)) {
    save = () =>
      saveRecord(file, { server: oc.baseUrl, libraryId, ownerId, watermark: r.watermark, assets: r.assets }).catch((error: Error) => {
        notes.push(`cannot save the asset record (${error.message}); the next run reads every asset again`);
      });
    // With moves, the record waits for the renames: a run cut short (or a plan) sees the same moves next time.
    if (moved.length === 0) {
      await save();
      save = undefined;
    }
  }
  return {
    assets: r.assets,
    complete: r.complete,
    read: { how: r.how, assets: r.assets.size, changed: r.changed },
    added: r.added,
    ...(r.complete ? {} : { incomplete: `library ${handle}: read ${r.assets.size} assets but the server counts ${r.total}; no removals this run` }),
    notes,
    moved,
    ...(save ? { save } : {}),
  };
}

/** The moves as album keys: which folder's album each new folder's files came from. */
function movesByKey(moved: readonly MovedAsset[], albumOf: ReturnType<typeof folderAlbums>): Moves | undefined {
  if (moved.length === 0) return undefined;
  const keys = new Map<string, Map<string, number>>();
  const ids = new Map<string, string>();
  for (const m of moved) {
    ids.set(m.from.id, m.to.id);
    const to = albumOf(m.to.folder)?.key;
    const from = albumOf(m.from.folder)?.key;
    if (to === undefined || from === undefined || to === from) continue;
    const olds = keys.get(to) ?? new Map<string, number>();
    olds.set(from, (olds.get(from) ?? 0) + 1);
    keys.set(to, olds);
  }
  return { keys, ids };
}

/** Step 4. The albums the folders want: the spec's rules, then each folder's `.albumprops`. */
async function desiredOf(
  rules: NonNullable<Library["albums"]>,
  roots: readonly string[],
  assets: FolderIndex,
  resolveUser: (u: string) => string | undefined,
  owner: Member,
) {
  const props = rules.albumprops ? await readAlbumProps(foldersOf(assets.folders.keys(), roots)) : new Map();
  return desiredAlbums({
    rules: {
      levels: rules.levels,
      separator: rules.separator,
      rename: rules.rename,
      include: rules.include,
      ignore: rules.ignore,
      base: {
        shareWith: rules.shareWith.map((s) => ({ user: s.member, role: s.role })),
        ...(rules.sortOrder ? { sortOrder: rules.sortOrder } : {}),
        ...(rules.visibility ? { visibility: rules.visibility } : {}),
        ...(rules.commentsAndLikes !== undefined ? { commentsAndLikes: rules.commentsAndLikes } : {}),
        ...(rules.thumbnail ? { thumbnail: rules.thumbnail } : {}),
      },
    },
    roots,
    assets,
    albumprops: (f) => props.get(f),
    resolveUser,
    owner: owner.email.toLowerCase(),
  });
}

/** Step 5. The photos of each album the plan must look into; an album short by exactly its new assets is not read. */
async function memberships(
  oc: ImmichClient,
  desired: DesiredState,
  albums: readonly ServerAlbum[],
  handle: string,
  ownerId: string,
  added: ReadonlySet<string> | undefined,
  deep: boolean | undefined,
) {
  const membership = new Map<string, ReadonlySet<string>>();
  const toRead = new Set(albumsToRead(desired, albums, handle, ownerId, deep));
  if (added && added.size > 0 && !deep) {
    // An album short by exactly its assets that are new since the last read lacks just those: no need to read it.
    const ours = ourAlbums(albums, handle, ownerId);
    for (const d of desired.albums) {
      const album = ours.get(d.key)?.[0];
      if (!album || !toRead.has(album.id)) continue;
      const fresh = d.assetIds().filter((id) => added.has(id));
      if (fresh.length === 0 || album.assetCount !== d.assetCount - fresh.length) continue;
      membership.set(album.id, new Set(d.assetIds().filter((id) => !added.has(id))));
      toRead.delete(album.id);
    }
  }
  for (const id of toRead) membership.set(id, await readAlbumAssets(oc, id));
  return membership;
}

/** A library's plan, and what applying and verifying it need (the albums' asset counts). */
interface LibraryPlan {
  readonly plan: AlbumPlan;
  readonly read: LibraryAlbumResult["read"];
  readonly added: ReadonlySet<string> | undefined;
  /** Each desired album's asset count, by key. */
  readonly wanted: ReadonlyMap<string, number>;
  readonly skipped: number;
  readonly incomplete?: string;
  /** Saves the asset record once the planned renames are done (see `LibraryRead.save`). */
  readonly save?: () => Promise<void>;
}

/**
 * Steps 3 to 6: assets, desired albums, memberships, plan. The assets' index and the desired albums
 * end here, so what applying a plan of thousands of albums holds is the plan and a count per album.
 */
async function planLibrary(
  options: AlbumReconcileOptions,
  handle: string,
  lib: Library,
  owner: Member,
  clients: OwnerClients,
  users: { userId: (user: string) => string | undefined; resolveUser: (u: string) => string | undefined; label: (id: string) => string },
): Promise<LibraryPlan | string> {
  const rules = lib.albums!;
  const { owner: oc, ownerId } = clients;
  const roots = libraryImportPaths(lib);
  const missing = await missingRoots(roots);
  const lr = await readLibrary(options, handle, lib, owner, clients, roots, missing);
  if (typeof lr === "string") return lr;
  const moves = movesByKey(lr.moved, folderAlbums(rules, roots));
  const { complete, read, added } = lr;
  const desired = await desiredOf(rules, roots, lr.assets, users.resolveUser, owner);
  const albums = (await oc.call("list albums", (o) => getAllAlbums({}, o))).map(toServerAlbum);
  const membership = await memberships(oc, desired, albums, handle, ownerId, added, options.deep);
  const planned = planAlbums({
    library: handle,
    desired,
    userId: users.userId,
    ownerId,
    albums,
    membership,
    mode: rules.mode,
    allowRemovals: options.allowRemovals ?? false,
    cleanupEmpty: options.cleanupEmpty ?? false,
    missingRoots: missing,
    assetsComplete: complete,
    label: users.label,
    ...(moves ? { moves } : {}),
  });
  return {
    plan: lr.notes.length > 0 ? { ...planned, notes: [...planned.notes, ...lr.notes] } : planned,
    read,
    added,
    wanted: new Map(desired.albums.map((d) => [d.key, d.assetCount])),
    skipped: desired.skipped.size,
    ...(lr.incomplete ? { incomplete: lr.incomplete } : {}),
    ...(lr.save ? { save: lr.save } : {}),
  };
}

/** One library's albums: owner's clients, users, assets, desired albums, memberships, plan, then (with `apply`) apply and verify. */
async function reconcileLibraryAlbums(options: AlbumReconcileOptions, handle: string, lib: Library): Promise<LibraryAlbumResult> {
  const { spec } = options;
  const rules = lib.albums!;
  const summary = emptySummary();
  const failures: string[] = [];
  const fail = (message: string): LibraryAlbumResult => ({ library: handle, summary, failures: [...failures, message] });

  const ruleProblems = checkNameRules(rules);
  if (ruleProblems.length > 0) return fail(`library ${handle}: ${ruleProblems.join("; ")}`);
  const owner = spec.members[lib.owner];
  if (!owner) return fail(`library ${handle}: owner ${lib.owner} is not a member`);
  let clients: OwnerClients | KeyProblem;
  try {
    clients = await ownerClients(options, handle, lib, owner);
  } catch (error) {
    return fail(`library ${handle}: ${(error as Error).message}`);
  }
  if ("message" in clients) return { ...fail(clients.message), credentials: clients.credentials };
  const { admin, owner: oc, ownerId } = clients;

  try {
    const { idByEmail, emailById, resolveUser } = await serverUsers(spec, admin ?? oc);
    const label = (id: string) => emailById.get(id) ?? id;
    const planned = await planLibrary(options, handle, lib, owner, clients, { userId: (u) => idByEmail.get(u), resolveUser, label });
    if (typeof planned === "string") return fail(planned);
    const { plan, read, added, wanted } = planned;
    if (planned.incomplete) failures.push(planned.incomplete);
    summary.albums.skipped = planned.skipped;
    if (!options.apply) return { library: handle, ...(read ? { read } : {}), plan, summary, failures };

    const applied = await applyAll(oc, plan, label, options, handle);
    // Verify before counting: a step whose answer was lost may have been carried out all the same.
    const problems = applied.length > 0 ? await verify(oc, applied, handle, ownerId, wanted, label) : [];
    const outcomeOf = new Map<AlbumChange, AlbumOutcome>();
    for (const [change, result] of applied) outcomeOf.set(change, tally(summary, change, result, added));
    const outcomes = plan.changes.map((c) => outcomeOf.get(c) ?? "not applied");
    failures.push(...applied.flatMap(([, r]) => r.failures));
    if (applied.length < plan.changes.length)
      failures.push(`library ${handle}: stopped after ${applied.length} of ${plan.changes.length} albums; the next run continues`);
    failures.push(...problems);
    // The record waited for the renames: save it once none failed (a failed one is found again next run).
    if (planned.save && !plan.changes.some((c, i) => c.rename && outcomes[i] !== "renamed")) await planned.save();
    return { library: handle, ...(read ? { read } : {}), plan, outcomes, summary, failures };
  } catch (error) {
    return fail(`library ${handle}: ${(error as Error).message}`);
  }
}

/** Apply the plan's changes a few albums at a time; the results in plan order (a report never depends on which album finished first). */
async function applyAll(client: ImmichClient, plan: AlbumPlan, label: (id: string) => string, options: AlbumReconcileOptions, library: string) {
  const results = new Map<AlbumChange, AppliedChange>();
  let next = 0;
  const worker = async () => {
    for (let change = plan.changes[next++]; change; change = plan.changes[next++]) {
      if (options.signal?.aborted) return;
      results.set(change, await applyChange(client, change, label));
      options.onProgress?.({ library, done: results.size, total: plan.changes.length });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  return plan.changes.flatMap((c): [AlbumChange, AppliedChange][] => {
    const r = results.get(c);
    return r ? [[c, r]] : [];
  });
}

function tally(s: AlbumSummary, change: AlbumChange, r: AppliedChange, added: ReadonlySet<string> | undefined): AlbumOutcome {
  if (r.created) s.created++;
  if (r.deleted) s.deleted++;
  s.assetsAdded += r.assetsAdded;
  s.assetsRemoved += r.assetsRemoved;
  s.sharesAdded += r.usersAdded.length;
  s.visibilityChanged += r.visibilityChanged;
  if (r.updated.length > 0) s.updated++;
  if (r.failures.length > 0) s.albums.failed++;
  if (change.albumId === undefined || r.deleted) {
    if (r.created && r.failures.length === 0) s.albums.created++;
    return r.failures.length > 0 ? "failed" : r.deleted ? "deleted" : "created";
  }
  const where = `album ${JSON.stringify(change.name)}`;
  const repairs: string[] = [];
  for (const u of r.usersAdded) repairs.push(`${where}: shared with ${u} again`);
  for (const u of r.rolesSet) repairs.push(`${where}: role of ${u}`);
  for (const u of r.usersRemoved) repairs.push(`${where}: removed ${u}`);
  // A photo that was in the library at the last read but not in its album was taken out there; a new file is an addition.
  const readded = added ? r.added.filter((id) => !added.has(id)).length : 0;
  if (readded > 0) repairs.push(`${where}: ${plural(readded, "photo")} put back`);
  s.repaired.push(...repairs);
  if (r.failures.length > 0) return "failed";
  if (change.rename) {
    s.renamed.push(`${JSON.stringify(change.rename.from)} → ${JSON.stringify(change.name)}`);
    s.albums.renamed++;
    return "renamed";
  }
  if (repairs.length > 0) {
    s.albums.repaired++;
    return "repaired";
  }
  s.albums.updated++;
  return "updated";
}

/**
 * Re-read the albums once. A changed album must have its users and at least its assets. An album whose
 * steps failed is looked at too: when the server holds what the steps were to make (a create whose
 * answer was lost, a share refused as "already added"), its failures are dropped and it counts as done.
 */
async function verify(
  client: ImmichClient,
  applied: readonly [AlbumChange, AppliedChange][],
  library: string,
  ownerId: string,
  wanted: ReadonlyMap<string, number>,
  label: (id: string) => string,
): Promise<string[]> {
  let albums: ServerAlbum[];
  try {
    albums = (await client.call("list albums", (o) => getAllAlbums({}, o))).map(toServerAlbum);
  } catch (error) {
    return [`verify: ${(error as Error).message}`];
  }
  const ours = ourAlbums(albums, library, ownerId);
  const out: string[] = [];
  for (const [change, result] of applied) {
    if (change.delete) continue;
    const album = ours.get(change.key)?.[0];
    const count = wanted.get(change.key) ?? 0;
    const users = new Map(album?.users.map((u) => [u.userId, u.role]) ?? []);
    const shares = [...(change.create?.albumUsers ?? []), ...change.addUsers, ...change.setRoles];
    const missingUsers = shares.filter((u) => users.get(u.userId) !== u.role);
    if (result.failures.length > 0) {
      const removed = change.removeUsers.every((u) => !users.has(u));
      if (!album || album.assetCount < count || missingUsers.length > 0 || !removed || change.update || change.visibility || change.removeAssets.length > 0)
        continue;
      result.failures = [];
      if (change.create && !result.created) {
        result.created = true;
        result.albumId = album.id;
        result.assetsAdded = album.assetCount;
        result.usersAdded = change.create.albumUsers.map((u) => label(u.userId));
      }
      continue;
    }
    const name = `album ${JSON.stringify(change.name)}`;
    if (!album) {
      out.push(`verify: ${name} is not on the server after the run`);
      continue;
    }
    if (album.assetCount < count) out.push(`verify: ${name} has ${album.assetCount} of ${count} photos`);
    if (missingUsers.length > 0) out.push(`verify: ${name} is not shared with ${missingUsers.map((u) => label(u.userId)).join(", ")} as it should be`);
  }
  return out;
}
