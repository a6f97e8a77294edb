import type { FakeAsset, FakeState } from "./state.js";

export type FakeAlbumRole = "viewer" | "editor";

export interface FakeAlbum {
  readonly id: string;
  readonly ownerId: string;
  albumName: string;
  description: string;
  /** Shared users (never the owner), in the order they were added. */
  readonly users: Map<string, FakeAlbumRole>;
  /** Asset ids in the order they were added. */
  readonly assetIds: Set<string>;
  albumThumbnailAssetId: string | null;
  isActivityEnabled: boolean;
  order: "asc" | "desc";
  readonly createdAt: string;
  updatedAt: string;
}

/** A shared link to an album (`POST /shared-links {type: ALBUM}`): it belongs to the album's id. */
export interface FakeSharedLink {
  readonly id: string;
  readonly key: string;
  readonly userId: string;
  readonly albumId: string;
  readonly description: string | null;
  readonly createdAt: string;
}

/** An album-level comment or like (`POST /activities`): it belongs to the album's id. */
export interface FakeActivity {
  readonly id: string;
  readonly albumId: string;
  readonly userId: string;
  readonly assetId: string | null;
  readonly type: "comment" | "like";
  readonly comment: string | null;
  readonly createdAt: string;
}

export interface FakeAlbumState {
  readonly albums: Map<string, FakeAlbum>;
  readonly sharedLinks: Map<string, FakeSharedLink>;
  readonly activities: Map<string, FakeActivity>;
}

const stores = new WeakMap<FakeState, FakeAlbumState>();

/** The albums of a fake server (kept beside its state so the fake's own files need no album fields). */
export function albumState(state: FakeState): FakeAlbumState {
  let s = stores.get(state);
  if (!s) {
    s = { albums: new Map(), sharedLinks: new Map(), activities: new Map() };
    stores.set(state, s);
  }
  return s;
}

/** Whether an asset is in every one of the given albums (the `albumIds` filter of a metadata search). */
export function inAlbums(state: FakeState, assetId: string, albumIds: readonly string[]): boolean {
  const { albums } = albumState(state);
  return albumIds.every((id) => albums.get(id)?.assetIds.has(assetId) ?? false);
}

const visibility = new WeakMap<FakeAsset, string>();

/** The visibility of an asset as responses show it (set by `PUT /assets`; timeline by default). */
export function assetVisibility(asset: FakeAsset): string {
  return visibility.get(asset) ?? "timeline";
}

export function setAssetVisibility(asset: FakeAsset, value: string): void {
  visibility.set(asset, value);
}
