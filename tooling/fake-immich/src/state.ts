import { randomBytes, randomUUID } from "node:crypto";
import { type ConfigObject, immichConfigDefaults } from "@family/immich-spec";

export type ServerVersion = `v${number}.${number}.${number}`;

export interface FakeUser {
  readonly id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  /** Storage quota in bytes; null is unlimited. */
  quotaSizeInBytes: number | null;
  /** The folder name under library/ (the first admin gets "admin", as on the real server); null: the user's id. */
  storageLabel: string | null;
  readonly createdAt: string;
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
  readonly queues = Object.fromEntries(QUEUE_NAMES.map((n) => [n, { active: 0, waiting: 0, completed: 0, failed: 0, delayed: 0, paused: 0 }])) as Record<
    QueueName,
    QueueCounts
  >;
  /** `server.publicUsers` of the server config: non-admins see every user in `GET /users`. */
  publicUsers: boolean;
  /** The server's media folder; import paths inside it are invalid. */
  mediaLocation: string;
  /** The stored system config (`GET/PUT /system-config`), complete: this line's defaults until changed. */
  config: ConfigObject;
  /** The server was started with IMMICH_CONFIG_FILE: the config is read-only through the API. */
  configFile: boolean;
  /** Queue a job on a named queue; the server wires this to its job runner. */
  enqueue: (queue: QueueName, run: () => void) => void = (_queue, run) => run();

  constructor(
    readonly version: ServerVersion,
    options: { publicUsers?: boolean; mediaLocation?: string; configFile?: boolean } = {},
  ) {
    this.publicUsers = options.publicUsers ?? true;
    this.mediaLocation = options.mediaLocation ?? "/data";
    this.config = immichConfigDefaults(this.major);
    this.configFile = options.configFile ?? false;
  }

  get major(): 2 | 3 {
    return Number(/^v([0-9]+)\./.exec(this.version)?.[1]) >= 3 ? 3 : 2;
  }

  addUser(input: { email: string; name?: string; isAdmin?: boolean; quotaSizeInBytes?: number | null; storageLabel?: string | null }): FakeUser {
    const user: FakeUser = {
      id: randomUUID(),
      email: input.email,
      name: input.name ?? input.email.split("@")[0] ?? input.email,
      isAdmin: input.isAdmin ?? false,
      quotaSizeInBytes: input.quotaSizeInBytes ?? null,
      storageLabel: input.storageLabel !== undefined ? input.storageLabel : input.isAdmin ? "admin" : null,
      createdAt: now(),
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

  userByEmail(email: string): FakeUser | undefined {
    return [...this.users.values()].find((u) => u.email.toLowerCase() === email.toLowerCase());
  }
}
