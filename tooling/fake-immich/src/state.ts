import { randomBytes, randomUUID } from "node:crypto";
import { type ConfigObject, immichConfigDefaults, nearestLine, type SupportedLine } from "@family/immich-spec";
import { LINE_API, type LineApi } from "./line-api.js";

export type ServerVersion = `v${number}.${number}.${number}`;

export interface FakeUser {
  readonly id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  /** Storage quota in bytes; null is unlimited. */
  quotaSizeInBytes: number | null;
  readonly createdAt: string;
  updatedAt: string;
  /** The password in clear (a fake needs no hash); null for an account that cannot log in with one. */
  password: string | null;
  /** The OAuth subject this account is linked to; "" when none. */
  oauthId: string;
  storageLabel: string | null;
  shouldChangePassword: boolean;
  /** Set by a (soft) delete: the account can no longer log in and is hidden unless asked for. */
  deletedAt: string | null;
  /** The user's preferences as the server stores them (this line's defaults until changed). */
  preferences: Record<string, Record<string, unknown>>;
}

/** One partner share: `sharedById` shows their library to `sharedWithId`. */
export interface FakePartner {
  readonly sharedById: string;
  readonly sharedWithId: string;
  inTimeline: boolean;
}

/** The preferences a new account starts with on a line (`LineApi.memoriesSidebarWeb`). */
export function defaultPreferences(api: LineApi): Record<string, Record<string, unknown>> {
  return {
    albums: { defaultAssetOrder: "desc" },
    cast: { gCastEnabled: false },
    download: { archiveSize: 4 * 1024 ** 3, includeEmbeddedVideos: false },
    emailNotifications: { enabled: true, albumInvite: true, albumUpdate: true },
    folders: { enabled: false, sidebarWeb: false },
    memories: api.memoriesSidebarWeb ? { enabled: true, duration: 5, sidebarWeb: false } : { enabled: true, duration: 5 },
    people: { enabled: true, sidebarWeb: false },
    purchase: { showSupportBadge: true, hideBuyButtonUntil: "2022-02-12T00:00:00.000Z" },
    ratings: { enabled: false },
    recentlyAdded: { enabled: true, sidebarWeb: false },
    sharedLinks: { enabled: true, sidebarWeb: false },
    tags: { enabled: false, sidebarWeb: false },
  };
}

/** What a test (or a route) gives to create an account. */
export interface FakeUserInput {
  email: string;
  name?: string;
  isAdmin?: boolean;
  quotaSizeInBytes?: number | null;
  password?: string | null;
  oauthId?: string;
  storageLabel?: string | null;
  shouldChangePassword?: boolean;
}

export interface FakeApiKey {
  readonly id: string;
  readonly name: string;
  /** The secret sent in `x-api-key`. */
  readonly secret: string;
  readonly userId: string;
  permissions: string[];
  readonly createdAt: string;
}

export interface FakeLibrary {
  readonly id: string;
  readonly ownerId: string;
  name: string;
  importPaths: string[];
  exclusionPatterns: string[];
  readonly createdAt: string;
  updatedAt: string;
  refreshedAt: string | null;
}

export interface FakeAsset {
  readonly id: string;
  readonly ownerId: string;
  readonly libraryId: string | null;
  readonly originalPath: string;
  readonly originalFileName: string;
  readonly type: "IMAGE" | "VIDEO";
  fileCreatedAt: string;
  fileModifiedAt: string;
  readonly createdAt: string;
  updatedAt: string;
  isOffline: boolean;
  /** Set when the asset is trashed (offline library files are trashed). */
  deletedAt: string | null;
  size: number;
}

export interface QueueCounts {
  active: number;
  waiting: number;
  completed: number;
  failed: number;
  delayed: number;
  paused: number;
}

export const QUEUE_NAMES = [
  "thumbnailGeneration",
  "metadataExtraction",
  "videoConversion",
  "faceDetection",
  "facialRecognition",
  "smartSearch",
  "duplicateDetection",
  "backgroundTask",
  "storageTemplateMigration",
  "migration",
  "search",
  "sidecar",
  "library",
  "notifications",
  "backupDatabase",
  "ocr",
  "workflow",
  "editor",
  "integrityCheck",
] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

let clock = Date.UTC(2026, 0, 1);
/** Strictly increasing timestamps, so `updatedAt`/`updatedAfter` comparisons are deterministic. */
export function now(): string {
  clock = Math.max(clock + 1, Date.now());
  return new Date(clock).toISOString();
}

/** Everything the fake server knows; tests read and change it directly. */
export class FakeState {
  readonly users = new Map<string, FakeUser>();
  readonly apiKeys = new Map<string, FakeApiKey>();
  readonly libraries = new Map<string, FakeLibrary>();
  readonly assets = new Map<string, FakeAsset>();
  /** Login sessions: the access token → the user id. */
  readonly sessions = new Map<string, string>();
  readonly partners: FakePartner[] = [];
  /** `IMMICH_ALLOW_SETUP` is not false: `POST /auth/admin-sign-up` works while no admin exists. */
  allowSetup: boolean;
  readonly queues = Object.fromEntries(QUEUE_NAMES.map((n) => [n, { active: 0, waiting: 0, completed: 0, failed: 0, delayed: 0, paused: 0 }])) as Record<
    QueueName,
    QueueCounts
  >;
  /** `server.publicUsers` of the server config: non-admins see every user in `GET /users`. */
  publicUsers: boolean;
  /** The server's media folder; import paths inside it are invalid. */
  mediaLocation: string;
  /** The release line whose API, config and defaults the server has: its version's, else the nearest supported one. */
  readonly line: SupportedLine;
  /** The stored system config (`GET/PUT /system-config`), complete: this line's defaults until changed. */
  config: ConfigObject;
  /** The server was started with IMMICH_CONFIG_FILE: the config is read-only through the API. */
  configFile: boolean;
  /** Queue a job on a named queue; the server wires this to its job runner. */
  enqueue: (queue: QueueName, run: () => void) => void = (_queue, run) => run();

  constructor(
    readonly version: ServerVersion,
    options: { publicUsers?: boolean; mediaLocation?: string; configFile?: boolean; allowSetup?: boolean } = {},
  ) {
    this.allowSetup = options.allowSetup ?? true;
    this.publicUsers = options.publicUsers ?? true;
    this.mediaLocation = options.mediaLocation ?? "/data";
    this.line = nearestLine(version);
    this.config = immichConfigDefaults(this.line);
    this.configFile = options.configFile ?? false;
  }

  /** How this server's API answers where the lines differ. */
  get api(): LineApi {
    return LINE_API[this.line.major];
  }

  addUser(input: FakeUserInput): FakeUser {
    const at = now();
    const user: FakeUser = {
      id: randomUUID(),
      email: input.email,
      name: input.name ?? input.email.split("@")[0] ?? input.email,
      isAdmin: input.isAdmin ?? false,
      quotaSizeInBytes: input.quotaSizeInBytes ?? null,
      createdAt: at,
      updatedAt: at,
      password: input.password ?? null,
      oauthId: input.oauthId ?? "",
      storageLabel: input.storageLabel ?? null,
      shouldChangePassword: input.shouldChangePassword ?? false,
      deletedAt: null,
      preferences: defaultPreferences(this.api),
    };
    this.users.set(user.id, user);
    return user;
  }

  /** Create an API key for a user; returns the secret to send in `x-api-key`. */
  addApiKey(user: FakeUser | string, permissions: readonly string[] = ["all"], name = "test"): string {
    const userId = typeof user === "string" ? user : user.id;
    if (!this.users.has(userId)) throw new Error(`no user ${userId}`);
    const key: FakeApiKey = {
      id: randomUUID(),
      name,
      secret: randomBytes(24).toString("base64url"),
      userId,
      permissions: [...permissions],
      createdAt: now(),
    };
    this.apiKeys.set(key.secret, key);
    return key.secret;
  }

  addLibrary(input: { ownerId: string; name?: string; importPaths?: string[]; exclusionPatterns?: string[] }): FakeLibrary {
    const at = now();
    const library: FakeLibrary = {
      id: randomUUID(),
      ownerId: input.ownerId,
      name: input.name ?? "New External Library",
      importPaths: input.importPaths ?? [],
      exclusionPatterns: input.exclusionPatterns ?? [],
      createdAt: at,
      updatedAt: at,
      refreshedAt: null,
    };
    this.libraries.set(library.id, library);
    return library;
  }

  libraryAssets(libraryId: string): FakeAsset[] {
    return [...this.assets.values()].filter((a) => a.libraryId === libraryId);
  }

  /** Whether an account that is not deleted is an admin (what `admin-sign-up` and `isInitialized` look at). */
  hasAdmin(): boolean {
    return [...this.users.values()].some((u) => u.isAdmin && u.deletedAt === null);
  }

  /** Start a login session for a user; returns its access token (sent as `Authorization: Bearer`). */
  addSession(user: FakeUser | string): string {
    const token = randomBytes(24).toString("base64url");
    this.sessions.set(token, typeof user === "string" ? user : user.id);
    return token;
  }

  userByEmail(email: string): FakeUser | undefined {
    return [...this.users.values()].find((u) => u.email.toLowerCase() === email.toLowerCase());
  }
}
