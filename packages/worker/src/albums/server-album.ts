import { type AlbumMarker, parseMarker } from "./marker.js";

/** An album as the plan sees it, the same for v2 and v3 responses. */
export interface ServerAlbum {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly ownerId: string | undefined;
  /** Shared users, never the owner. */
  readonly users: readonly { readonly userId: string; readonly role: "viewer" | "editor" }[];
  readonly assetCount: number;
  readonly order?: "asc" | "desc";
  readonly isActivityEnabled: boolean;
  readonly thumbnailAssetId: string | null;
  readonly createdAt: string;
  readonly marker?: AlbumMarker;
}

interface AlbumDtoLike {
  readonly id: string;
  readonly albumName: string;
  readonly description?: string | null;
  readonly ownerId?: string;
  readonly owner?: { readonly id: string };
  readonly albumUsers?: readonly { readonly role: string; readonly user: { readonly id: string } }[];
  readonly assetCount?: number;
  readonly order?: string;
  readonly isActivityEnabled?: boolean;
  readonly albumThumbnailAssetId?: string | null;
  readonly createdAt?: string;
}

/**
 * Normalise an album response: v2 has `ownerId`/`owner` and lists only shared users; v3 drops them
 * and lists the owner in `albumUsers` with role `owner`.
 */
export function toServerAlbum(dto: AlbumDtoLike): ServerAlbum {
  const ownerId = dto.ownerId ?? dto.owner?.id ?? dto.albumUsers?.find((u) => u.role === "owner")?.user.id;
  const users = (dto.albumUsers ?? [])
    .filter((u) => u.role !== "owner" && u.user.id !== ownerId)
    .map((u) => ({ userId: u.user.id, role: u.role === "editor" ? ("editor" as const) : ("viewer" as const) }));
  const marker = parseMarker(dto.description);
  return {
    id: dto.id,
    name: dto.albumName,
    description: dto.description ?? "",
    ownerId,
    users,
    assetCount: dto.assetCount ?? 0,
    ...(dto.order === "asc" || dto.order === "desc" ? { order: dto.order } : {}),
    isActivityEnabled: dto.isActivityEnabled ?? true,
    thumbnailAssetId: dto.albumThumbnailAssetId ?? null,
    createdAt: dto.createdAt ?? "",
    ...(marker ? { marker } : {}),
  };
}
