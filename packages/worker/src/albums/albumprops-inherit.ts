import type { AlbumProperties, AlbumPropsFile, InheritableKey, ShareRole } from "./albumprops.js";

/**
 * How an album's properties are resolved from the spec's rules and the `.albumprops` files on the
 * way from the library root down to the album's folder. Layers, farthest first:
 *
 * | layer                                  | applies when                           | which keys                          |
 * |----------------------------------------|----------------------------------------|-------------------------------------|
 * | the spec's `albums` rules (base)       | always                                 | shareWith, sortOrder, visibility, commentsAndLikes, thumbnail |
 * | an ancestor folder's `.albumprops`     | that file says `inherit: true`         | its `inherit_properties` (default: every inheritable key) |
 * | the album folder's own `.albumprops`   | always                                 | every key, plus `override_name`     |
 *
 * - The nearest layer that sets a key wins (a deeper folder beats its parent, any file beats the spec).
 * - `share_with` merges per user: the nearest layer that names a user decides that user's role;
 *   `role: none` there removes the user, even when a farther layer or the spec shares with them,
 *   and an inherited `none` stays `none` (it never becomes viewer). A missing role means viewer.
 * - `override_name`, `inherit` and `inherit_properties` are never inherited. A folder's `inherit: false`
 *   only stops its own properties; it does not block what its ancestors pass down.
 */
export interface ResolvedAlbumProperties extends Omit<AlbumProperties, "shareWith"> {
  readonly overrideName?: string;
  /** Canonical user → role, `none` already removed. */
  readonly shareWith: ReadonlyMap<string, "viewer" | "editor">;
  /** Users named in some layer that no member or server user matches. */
  readonly unknownUsers: readonly string[];
}

/** The spec's album properties every folder starts from, before its `.albumprops`. */
export interface BaseAlbumProperties extends Omit<AlbumProperties, "shareWith"> {
  readonly shareWith?: readonly { readonly user: string; readonly role: ShareRole }[];
}

/** Maps what a file wrote (handle or email) to one canonical user key, or undefined when unknown. */
export type UserResolver = (user: string) => string | undefined;

const SCALAR_KEYS = ["description", "thumbnail", "sortOrder", "visibility", "commentsAndLikes"] as const satisfies readonly InheritableKey[];

/** Resolve the properties of the album whose folder's chain (root first, the folder's own file last) is given. */
export function resolveAlbumProperties(
  base: BaseAlbumProperties,
  chain: readonly { readonly props: AlbumPropsFile; readonly own: boolean }[],
  resolveUser: UserResolver,
): ResolvedAlbumProperties {
  const out: Record<string, unknown> = {};
  const roles = new Map<string, ShareRole>();
  const unknown = new Set<string>();
  const apply = (layer: AlbumProperties, allowed: (k: InheritableKey) => boolean) => {
    for (const k of SCALAR_KEYS) if (allowed(k) && layer[k] !== undefined) out[k] = layer[k];
    if (allowed("shareWith")) {
      for (const entry of layer.shareWith ?? []) {
        const user = resolveUser(entry.user);
        if (user === undefined) unknown.add(entry.user);
        else roles.set(user, entry.role);
      }
    }
  };
  apply(base as AlbumProperties, () => true);
  for (const { props, own } of chain) {
    if (own) apply(props, () => true);
    else if (props.inherit) apply(props, (k) => props.inheritProperties?.includes(k) ?? true);
  }
  const own = chain.at(-1);
  if (own?.own && own.props.overrideName !== undefined) out.overrideName = own.props.overrideName;
  const shareWith = new Map<string, "viewer" | "editor">();
  for (const [user, role] of roles) if (role !== "none") shareWith.set(user, role);
  return { ...(out as Omit<ResolvedAlbumProperties, "shareWith" | "unknownUsers">), shareWith, unknownUsers: [...unknown] };
}
