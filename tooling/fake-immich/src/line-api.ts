import type { LineMajor } from "@family/immich-spec";

/**
 * Where the API of Immich's lines differs, as far as the fake imitates it (immich-facts.md, field notes).
 * One entry per line of the release table: a new line there is a type error here until it has one.
 */
export interface LineApi {
  /**
   * Error bodies. `nest`: `{ message, error, statusCode, correlationId }`, the message a list for a failed
   * validation (class-validator's words), the id also in `x-immich-cid`. `issues`: only `{ message }`, a
   * failed validation as `{ message: "Validation failed", errors }`, the id in `X-Correlation-ID` only.
   */
  readonly errors: "nest" | "issues";
  /**
   * Album responses. `owner-fields`: `owner`, `ownerId` and `assets`, and `albumUsers` lists only shared
   * users. `album-users`: none of those three; the owner is in `albumUsers` with role `owner`.
   */
  readonly albums: "owner-fields" | "album-users";
  /** `GET /albums`: the query flag that filters shared albums, and whether albums shared with the caller are listed without it. */
  readonly albumList: { readonly sharedFlag: "shared" | "isShared"; readonly listsSharedWithMe: boolean };
  /** What a search returns without a `visibility` filter: `timeline` assets only, or every visibility but `locked`. */
  readonly searchVisible: "timeline" | "all-but-locked";
  /** The metadata search sorts by `fileCreatedAt` only, so ties may be repeated or skipped across pages. */
  readonly searchTiesUnordered: boolean;
  /** `POST /api-keys` answers `{ apiKey, secret }`, or also spreads the key's fields beside them. */
  readonly apiKeyCreated: "nested" | "spread";
  /** The `memories.sidebarWeb` preference exists. */
  readonly memoriesSidebarWeb: boolean;
  /** `PATCH /libraries/:id` exists beside `PUT`. */
  readonly libraryPatch: boolean;
}

export const LINE_API: Record<LineMajor, LineApi> = {
  2: {
    errors: "nest",
    albums: "owner-fields",
    albumList: { sharedFlag: "shared", listsSharedWithMe: false },
    searchVisible: "timeline",
    searchTiesUnordered: true,
    apiKeyCreated: "nested",
    memoriesSidebarWeb: false,
    libraryPatch: false,
  },
  3: {
    errors: "issues",
    albums: "album-users",
    albumList: { sharedFlag: "isShared", listsSharedWithMe: true },
    searchVisible: "all-but-locked",
    searchTiesUnordered: false,
    apiKeyCreated: "spread",
    memoriesSidebarWeb: true,
    libraryPatch: true,
  },
};
