import { assetVisibility, inAlbums } from "../albums-state.js";
import type { LineApi } from "../line-api.js";
import type { FakeRouter, RouteContext } from "../router.js";
import type { FakeAsset } from "../state.js";
import { Checks, objectBody } from "./validation.js";

export function assetDto(a: FakeAsset) {
  return {
    id: a.id,
    ownerId: a.ownerId,
    libraryId: a.libraryId,
    originalPath: a.originalPath,
    originalFileName: a.originalFileName,
    originalMimeType: a.type === "IMAGE" ? "image/jpeg" : "video/mp4",
    type: a.type,
    checksum: Buffer.from(a.id).toString("base64"),
    thumbhash: null,
    fileCreatedAt: a.fileCreatedAt,
    fileModifiedAt: a.fileModifiedAt,
    localDateTime: a.fileCreatedAt,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
    isFavorite: false,
    isArchived: false,
    isTrashed: a.deletedAt !== null,
    isOffline: a.isOffline,
    isEdited: false,
    hasMetadata: true,
    duration: a.type === "VIDEO" ? "0:00:01.000000" : "0:00:00.00000",
    visibility: assetVisibility(a),
    width: null,
    height: null,
    resized: true,
  };
}

/**
 * Visibilities a search returns without a `visibility` filter: on some lines only timeline assets
 * (archived ones need `visibility: archive`), on others every visibility but locked, hidden included.
 */
const defaultVisible = (api: LineApi, visibility: string) => (api.searchVisible === "timeline" ? visibility === "timeline" : visibility !== "locked");

/** Fields of a metadata search that a statistics search does not have: the server drops them. */
const NOT_STATISTICS = ["withDeleted", "originalPath", "id", "page", "size", "order"];

const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

function filtered(ctx: RouteContext, body: Record<string, unknown>): FakeAsset[] {
  const me = ctx.auth!.user.id;
  const path = typeof body.originalPath === "string" ? fold(body.originalPath) : undefined;
  // Offline and trashed-date searches look at trashed assets too.
  const withDeleted = body.withDeleted === true || body.isOffline === true || body.trashedBefore !== undefined || body.trashedAfter !== undefined;
  const updatedAfter = typeof body.updatedAfter === "string" ? new Date(body.updatedAfter).toISOString() : undefined;
  const updatedBefore = typeof body.updatedBefore === "string" ? new Date(body.updatedBefore).toISOString() : undefined;
  return [...ctx.state.assets.values()].filter(
    (a) =>
      a.ownerId === me &&
      (withDeleted || a.deletedAt === null) &&
      (body.libraryId === undefined || a.libraryId === body.libraryId) &&
      (typeof body.isOffline !== "boolean" || a.isOffline === body.isOffline) &&
      (typeof body.id !== "string" || a.id === body.id) &&
      (!Array.isArray(body.albumIds) || inAlbums(ctx.state, a.id, body.albumIds as string[])) &&
      (typeof body.visibility === "string" ? assetVisibility(a) === body.visibility : defaultVisible(ctx.state.api, assetVisibility(a))) &&
      (typeof body.type !== "string" || a.type === body.type) &&
      (path === undefined || fold(a.originalPath).includes(path)) &&
      (updatedAfter === undefined || a.updatedAt >= updatedAfter) &&
      (updatedBefore === undefined || a.updatedAt <= updatedBefore),
  );
}

function checkFilters(checks: Checks, body: Record<string, unknown>): void {
  checks.boolean("withDeleted", body.withDeleted);
  checks.boolean("isOffline", body.isOffline);
  if (body.libraryId !== null) checks.uuid("libraryId", body.libraryId, true);
  checks.string("originalPath", body.originalPath);
  for (const field of ["updatedAfter", "updatedBefore"]) {
    const v = body[field];
    if (v !== undefined && (typeof v !== "string" || Number.isNaN(Date.parse(v)))) checks.fail(field, `${field} must be a valid ISO 8601 date string`);
  }
}

/** A deterministic shuffle, different per request: the order of equal sort keys Postgres does not promise. */
function shuffleTies(items: FakeAsset[], seed: number): FakeAsset[] {
  let s = seed * 2654435761;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const out: FakeAsset[] = [];
  for (let i = 0; i < items.length; ) {
    let j = i;
    while (j < items.length && items[j]!.fileCreatedAt === items[i]!.fileCreatedAt) j++;
    const group = items.slice(i, j);
    for (let k = group.length - 1; k > 0; k--) {
      const r = Math.floor(rand() * (k + 1));
      [group[k], group[r]] = [group[r]!, group[k]!];
    }
    out.push(...group);
    i = j;
  }
  return out;
}

let requestSeed = 0;

/**
 * `POST /search/metadata`: the caller's assets, `size` ≤ 1000, numbered pages with `nextPage`.
 * v2 sorts by `fileCreatedAt` only, so assets with equal timestamps may be repeated or skipped
 * across pages (the order of ties changes between requests); v3 breaks ties by id.
 */
export function searchRoutes(router: FakeRouter): void {
  router
    .add("POST", "/search/metadata", { permission: "asset.read" }, (ctx) => {
      const body = objectBody(ctx.body);
      const checks = new Checks();
      checkFilters(checks, body);
      checks.intRange("page", body.page, 1, Number.MAX_SAFE_INTEGER);
      checks.intRange("size", body.size, 1, 1000);
      checks.done();
      const page = (body.page as number | undefined) ?? 1;
      const size = (body.size as number | undefined) ?? 250;
      const desc = body.order !== "asc";
      let items = filtered(ctx, body).sort((a, b) => {
        const c = a.fileCreatedAt < b.fileCreatedAt ? -1 : a.fileCreatedAt > b.fileCreatedAt ? 1 : 0;
        return (desc ? -c : c) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
      });
      if (ctx.state.api.searchTiesUnordered) items = shuffleTies(items, ++requestSeed);
      const slice = items.slice((page - 1) * size, page * size + 1);
      const hasMore = slice.length > size;
      const pageItems = slice.slice(0, size).map(assetDto);
      return {
        body: {
          albums: { total: 0, count: 0, items: [], facets: [] },
          assets: {
            total: pageItems.length,
            count: pageItems.length,
            items: pageItems,
            facets: [],
            nextPage: hasMore ? String(page + 1) : null,
            nextCursor: null,
          },
        },
      };
    })
    .add("POST", "/search/statistics", { permission: "asset.statistics" }, (ctx) => {
      const body = Object.fromEntries(Object.entries(objectBody(ctx.body)).filter(([k]) => !NOT_STATISTICS.includes(k)));
      const checks = new Checks();
      checkFilters(checks, body);
      checks.done();
      return { body: { total: filtered(ctx, body).length } };
    });
}
