import { type ImmichFamilySpec, type Library, libraryImportPaths, libraryName } from "@family/immich-spec";
import { getAllAlbums, getAllLibraries, getMyUser, searchUsers } from "@immich/sdk";
import { ImmichClient, type ImmichClientOptions } from "../client/immich-client.js";
import { checkNameRules } from "./album-name.js";
import { type AppliedChange, applyChange } from "./_apply.js";
import { foldersOf, missingRoots, readAlbumAssets, readAlbumProps, readAssets, readLibraryAssets } from "./_read.js";
import { loadRecord, recordFile, saveRecord } from "./_record.js";
import { desiredAlbums, type LibraryAsset } from "./desired.js";
import { type AlbumPlan, albumsToRead, ourAlbums, planAlbums } from "./planner.js";
import { type ServerAlbum, toServerAlbum } from "./server-album.js";

export interface AlbumSyncOptions {
  readonly spec: ImmichFamilySpec;
  /** API base URL, ending in `/api`. */
  readonly baseUrl: string;
  /** Where the keys the spec references (`worker.apiKey`, `members.<m>.apiKey`) are read from. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The admin key when it does not come from `env` (e.g. `--api-key-file`). @default env[spec.worker.apiKey] */
  readonly adminApiKey?: string;
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

/** What a run did: counts a user reads, plus what it repaired and what failed. */
export interface AlbumSummary {
  created: number;
  assetsAdded: number;
  assetsRemoved: number;
  sharesAdded: number;
  deleted: number;
  updated: number;
  visibilityChanged: number;
  /** Drift fixed on existing albums: shares re-added, roles fixed, users removed, assets re-added. */
  repaired: string[];
}

export interface LibraryAlbumResult {
  readonly library: string;
  /** How the library's assets were read: all of them, or what changed since the last run's record. */
  readonly read?: { readonly how: "full" | "changes"; readonly assets: number; readonly changed: number };
  readonly plan?: AlbumPlan;
  readonly summary: AlbumSummary;
  /** Every failure, each with the server's message; the next run retries them. */
  readonly failures: string[];
}

export interface AlbumSyncReport {
  readonly libraries: LibraryAlbumResult[];
  readonly ok: boolean;
}

const emptySummary = (): AlbumSummary => ({ created: 0, assetsAdded: 0, assetsRemoved: 0, sharesAdded: 0, deleted: 0, updated: 0, visibilityChanged: 0, repaired: [] });

/** Plan (and with `apply`, reconcile) the folder albums of every library that declares `albums`. */
export async function syncAlbums(options: AlbumSyncOptions): Promise<AlbumSyncReport> {
  const { spec } = options;
  const handles = Object.entries(spec.libraries)
    .filter(([handle, lib]) => lib.albums && (options.library === undefined || options.library === handle))
    .map(([handle]) => handle);
  if (options.library !== undefined && handles.length === 0) {
    const known = Object.keys(spec.libraries).join(", ");
    return {
      ok: false,
      libraries: [{ library: options.library, summary: emptySummary(), failures: [`library ${options.library} does not exist or declares no albums (libraries: ${known})`] }],
    };
  }
  const results: LibraryAlbumResult[] = [];
  for (const handle of handles) {
    results.push(await syncLibrary(options, handle, spec.libraries[handle]!));
  }
  return { libraries: results, ok: results.every((r) => r.failures.length === 0) };
}

function client(options: AlbumSyncOptions, apiKey: string): ImmichClient {
  return new ImmichClient({ baseUrl: options.baseUrl, apiKey, ...(options.signal ? { signal: options.signal } : {}), ...options.client });
}

async function syncLibrary(options: AlbumSyncOptions, handle: string, lib: Library): Promise<LibraryAlbumResult> {
  const { spec } = options;
  const rules = lib.albums!;
  const summary = emptySummary();
  const failures: string[] = [];
  const fail = (message: string): LibraryAlbumResult => ({ library: handle, summary, failures: [...failures, message] });

  const ruleProblems = checkNameRules(rules);
  if (ruleProblems.length > 0) return fail(`library ${handle}: ${ruleProblems.join("; ")}`);
  const owner = spec.members[lib.owner];
  if (!owner) return fail(`library ${handle}: owner ${lib.owner} is not a member`);
  const adminKey = options.adminApiKey ?? options.env[spec.worker.apiKey.key];
  const ownerKeyName = owner.apiKey?.key;
  const ownerKey = ownerKeyName ? options.env[ownerKeyName] : undefined;

  // Albums belong to the key's user: use the owner's key, or the admin key when its user is the owner.
  let admin: ImmichClient | undefined;
  let ownerClient: ImmichClient | undefined;
  let ownerId = "";
  try {
    if (adminKey) {
      admin = client(options, adminKey);
      const me = await admin.call("who am I", (o) => getMyUser(o));
      if (me.email.toLowerCase() === owner.email.toLowerCase()) {
        ownerClient = admin;
        ownerId = me.id;
      }
    }
    if (!ownerClient) {
      if (!ownerKey) {
        return fail(
          `library ${handle}: its albums belong to ${lib.owner} (${owner.email}); set ${ownerKeyName ? ownerKeyName : `members.${lib.owner}.apiKey in the spec and its key`} to that member's API key${adminKey ? "" : ` (and ${spec.worker.apiKey.key} to an admin's)`}`,
        );
      }
      ownerClient = client(options, ownerKey);
      const me = await ownerClient.call("who am I", (o) => getMyUser(o));
      if (me.email.toLowerCase() !== owner.email.toLowerCase()) return fail(`library ${handle}: ${ownerKeyName} belongs to ${me.email}, not to the owner ${owner.email}`);
      ownerId = me.id;
    }
  } catch (error) {
    return fail(`library ${handle}: ${(error as Error).message}`);
  }
  const oc = ownerClient;

  try {
    // Users: the admin key sees everyone; another key only with server.publicUsers.
    const users = await (admin ?? oc).call("list users", (o) => searchUsers(o));
    const idByEmail = new Map(users.map((u) => [u.email.toLowerCase(), u.id]));
    const emailById = new Map(users.map((u) => [u.id, u.email]));
    const memberEmail = new Map(Object.entries(spec.members).map(([h, m]) => [h, m.email.toLowerCase()]));
    const knownEmails = new Set([...memberEmail.values(), ...idByEmail.keys()]);
    const resolveUser = (u: string) => {
      const v = u.trim().toLowerCase();
      return memberEmail.get(v) ?? (knownEmails.has(v) ? v : undefined);
    };

    const roots = libraryImportPaths(lib);
    const missing = await missingRoots(roots);
    let libraryId: string | undefined;
    if (admin) {
      const name = libraryName(handle, lib);
      libraryId = (await admin.call("list libraries", (o) => getAllLibraries(o))).find((l) => l.name === name && l.ownerId === ownerId)?.id;
      if (!libraryId) return fail(`library ${handle}: no library named ${JSON.stringify(name)} owned by ${owner.email} on the server; run \`immich-family scan\` first`);
    }
    let assets: Map<string, LibraryAsset>;
    let complete = false;
    let read: LibraryAlbumResult["read"];
    let added: ReadonlySet<string> | undefined;
    const readNotes: string[] = [];
    if (libraryId) {
      const file = options.stateDir ? recordFile(options.stateDir, handle) : undefined;
      const saved = file && !options.deep ? await loadRecord(file) : undefined;
      const record = saved && saved.server === oc.baseUrl && saved.libraryId === libraryId && saved.ownerId === ownerId ? saved : undefined;
      const r = await readLibraryAssets(oc, libraryId, roots, record);
      assets = r.assets;
      complete = r.complete;
      read = { how: r.how, assets: r.assets.size, changed: r.changed };
      added = r.added;
      if (!complete) failures.push(`library ${handle}: read ${assets.size} assets but the server counts ${r.total}; no removals this run`);
      else if (file && (r.changed > 0 || r.watermark !== record?.watermark)) {
        await saveRecord(file, { server: oc.baseUrl, libraryId, ownerId, watermark: r.watermark, assets }).catch((error: Error) =>
          readNotes.push(`cannot save the asset record (${error.message}); the next run reads every asset again`),
        );
      }
    } else {
      const reads = await Promise.all(roots.map((r) => readAssets(oc, { originalPath: `${r}/` }, [r])));
      assets = new Map(reads.flatMap((r) => [...r.assets]));
    }

    const props = rules.albumprops ? await readAlbumProps(foldersOf(assets.values(), roots)) : new Map();
    const desired = desiredAlbums({
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
      assets: assets.values(),
      albumprops: (f) => props.get(f),
      resolveUser,
      owner: owner.email.toLowerCase(),
    });

    const albums = (await oc.call("list albums", (o) => getAllAlbums({}, o))).map(toServerAlbum);
    const membership = new Map<string, ReadonlySet<string>>();
    const toRead = new Set(albumsToRead(desired, albums, handle, ownerId, options.deep));
    if (added && added.size > 0 && !options.deep) {
      // An album short by exactly its assets that are new since the last read lacks just those: no need to read it.
      const ours = ourAlbums(albums, handle, ownerId);
      for (const d of desired.albums) {
        const album = ours.get(d.key)?.[0];
        if (!album || !toRead.has(album.id)) continue;
        const fresh = d.assetIds.filter((id) => added.has(id));
        if (fresh.length === 0 || album.assetCount !== d.assetIds.length - fresh.length) continue;
        membership.set(album.id, new Set(d.assetIds.filter((id) => !added.has(id))));
        toRead.delete(album.id);
      }
    }
    for (const id of toRead) membership.set(id, await readAlbumAssets(oc, id));

    const label = (id: string) => emailById.get(id) ?? id;
    const planned = planAlbums({
      library: handle,
      desired,
      userId: (u) => idByEmail.get(u),
      ownerId,
      albums,
      membership,
      mode: rules.mode,
      allowRemovals: options.allowRemovals ?? false,
      cleanupEmpty: options.cleanupEmpty ?? false,
      missingRoots: missing,
      assetsComplete: complete,
      label,
    });
    const plan = readNotes.length > 0 ? { ...planned, notes: [...planned.notes, ...readNotes] } : planned;
    if (!options.apply) return { library: handle, ...(read ? { read } : {}), plan, summary, failures };

    const applied = await applyAll(oc, plan, label, options, handle);
    for (const [change, result] of applied) tally(summary, change.albumId !== undefined, result);
    failures.push(...applied.flatMap(([, r]) => r.failures));
    if (applied.length < plan.changes.length) failures.push(`library ${handle}: stopped after ${applied.length} of ${plan.changes.length} albums; the next run continues`);
    if (applied.length > 0) failures.push(...(await verify(oc, applied, handle, ownerId, desired.albums)));
    return { library: handle, ...(read ? { read } : {}), plan, summary, failures };
  } catch (error) {
    return fail(`library ${handle}: ${(error as Error).message}`);
  }
}

async function applyAll(client: ImmichClient, plan: AlbumPlan, label: (id: string) => string, options: AlbumSyncOptions, library: string) {
  const queue = [...plan.changes];
  const results: [AlbumPlan["changes"][number], AppliedChange][] = [];
  let done = 0;
  const worker = async () => {
    for (let change = queue.shift(); change; change = queue.shift()) {
      if (options.signal?.aborted) return;
      results.push([change, await applyChange(client, change, label)]);
      options.onProgress?.({ library, done: ++done, total: plan.changes.length });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  return results;
}

function tally(s: AlbumSummary, existing: boolean, r: AppliedChange): void {
  if (r.created) s.created++;
  if (r.deleted) s.deleted++;
  s.assetsAdded += r.assetsAdded;
  s.assetsRemoved += r.assetsRemoved;
  s.sharesAdded += r.usersAdded.length;
  s.visibilityChanged += r.visibilityChanged;
  if (r.updated.length > 0) s.updated++;
  if (!existing) return;
  const where = r.albumId ?? "";
  for (const u of r.usersAdded) s.repaired.push(`${where}: shared with ${u} again`);
  for (const u of r.rolesSet) s.repaired.push(`${where}: role of ${u}`);
  for (const u of r.usersRemoved) s.repaired.push(`${where}: removed ${u}`);
  if (r.assetsAdded > 0) s.repaired.push(`${where}: ${r.assetsAdded} asset(s) added`);
}

/** Re-read the albums once and check each changed one has its users and at least its assets. */
async function verify(
  client: ImmichClient,
  applied: readonly [AlbumPlan["changes"][number], AppliedChange][],
  library: string,
  ownerId: string,
  desired: readonly { key: string; assetIds: readonly string[] }[],
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
    if (result.failures.length > 0 || change.delete) continue;
    const album = ours.get(change.key)?.[0];
    if (!album) {
      out.push(`verify: album ${JSON.stringify(change.name)} is not on the server after the run`);
      continue;
    }
    const want = desired.find((d) => d.key === change.key);
    if (want && album.assetCount < want.assetIds.length) out.push(`verify: album ${JSON.stringify(change.name)} has ${album.assetCount} of ${want.assetIds.length} assets`);
    const users = new Set(album.users.map((u) => u.userId));
    const missingUsers = [...(change.create?.albumUsers ?? []), ...change.addUsers].filter((u) => !users.has(u.userId));
    if (missingUsers.length > 0) out.push(`verify: album ${JSON.stringify(change.name)} is not shared with ${missingUsers.length} user(s) it should be`);
  }
  return out;
}
