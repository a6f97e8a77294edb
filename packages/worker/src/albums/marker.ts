/**
 * The marker that makes an album ours: a last line `[immich-family:<library>:<key>]` in the album's
 * description. The description is the one free-text field an album keeps in both v2 and v3, it is
 * returned by `GET /albums`, and users see why the album exists. `<key>` is the album's folder
 * chunks joined by `/` (stable across renames); `%`, `]` and line breaks are escaped.
 */
const MARKER_RE = /\n?\[immich-family:([a-z][a-z0-9-]*):([^\]\n]*)\]\s*$/;

/** Which library and folder key an album belongs to, from the marker in its description. */
export interface AlbumMarker {
  readonly library: string;
  readonly key: string;
}

const escapeKey = (s: string) => s.replace(/%/g, "%25").replace(/\]/g, "%5D").replace(/\n/g, "%0A").replace(/\r/g, "%0D");
const unescapeKey = (s: string) => s.replace(/%(25|5D|0A|0D)/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));

export function markerLine(marker: AlbumMarker): string {
  return `[immich-family:${marker.library}:${escapeKey(marker.key)}]`;
}

/** The full description: the user's text (if any), then the marker on its own line. */
export function describe(userText: string | undefined, marker: AlbumMarker): string {
  const text = (userText ?? "").trimEnd();
  return text ? `${text}\n${markerLine(marker)}` : markerLine(marker);
}

/** The marker of an album description, or undefined when the album is not ours. */
export function parseMarker(description: string | null | undefined): AlbumMarker | undefined {
  const m = MARKER_RE.exec(description ?? "");
  return m?.[1] && m[2] !== undefined ? { library: m[1], key: unescapeKey(m[2]) } : undefined;
}

/** The text a description holds above our marker (all of it when it has none). */
export function userText(description: string | null | undefined): string {
  return (description ?? "").replace(MARKER_RE, "").trimEnd();
}
