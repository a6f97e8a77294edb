// What the proxy tests of both renderers share: the ways a stranger may spell Immich's first-admin
// sign-up, how a proxy cleans a path before it routes it, and whether Immich's own router would hand
// the path it receives to the sign-up handler.

/** Spellings of `POST /api/auth/admin-sign-up` an attacker would try: case, slashes, dot segments, percent-encoding, suffixes. */
export const SIGN_UP_ATTEMPTS: readonly string[] = [
  "/api/auth/admin-sign-up",
  "/api/auth/admin-sign-up/",
  "/API/AUTH/ADMIN-SIGN-UP",
  "/Api/Auth/Admin-Sign-Up/",
  "//api/auth/admin-sign-up",
  "/api//auth///admin-sign-up",
  "/api/./auth/admin-sign-up",
  "/api/photos/../auth/admin-sign-up",
  "/api/auth/admin%2Dsign-up",
  "/api/auth/admin%2dsign%2Dup",
  "/%61pi/auth/%41dmin-sign-up",
  "/api/auth/admin-sign-up?next=/",
  "/api/auth/admin-sign-up;x",
  "/api/auth/admin-sign-up/.",
  "/api/auth/admin-sign-up%2F",
  "/api%2Fauth%2Fadmin-sign-up",
];

/** Paths the family's apps use, which must still reach the server as before. */
export const ORDINARY_API_PATHS: readonly string[] = ["/api/auth/login", "/api/server/ping", "/api/oauth/mobile-redirect", "/.well-known/immich"];

const UNRESERVED = /%(2[dDeE]|3[0-9]|[46][1-9a-fA-F]|[57][0-9aA]|5[fF]|7[eE])/g;

/** How a proxy cleans a request's path (no query) before routing it and passes it on. */
export interface PathCleaning {
  /** Decode percent-encoded unreserved characters (RFC 3986 §6.2.2.2): Traefik does; Envoy's `normalize_path` may not. */
  readonly decodeUnreserved: boolean;
  /** Refuse a path holding an encoded `/` or `\` (Pomerium sets Envoy to); Traefik routes it with them still encoded. */
  readonly rejectEncodedSlash: boolean;
}

/** The path a proxy routes and forwards, or `undefined` when it rejects the request. */
export function cleanPath(requestTarget: string, cleaning: PathCleaning): string | undefined {
  let path = requestTarget.split("?")[0] ?? "";
  if (cleaning.rejectEncodedSlash && /%(2f|5c)/i.test(path)) return undefined;
  if (cleaning.decodeUnreserved) path = path.replace(UNRESERVED, (m) => String.fromCharCode(Number.parseInt(m.slice(1), 16)));
  const trailing = path.endsWith("/") || path.endsWith("/.") || path.endsWith("/..");
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") out.pop();
    else out.push(segment);
  }
  const joined = `/${out.join("/")}`;
  return trailing && joined !== "/" ? `${joined}/` : joined;
}

/**
 * Whether Immich's router (Express under NestJS, global prefix `api`) hands `forwardedPath` to the sign-up
 * handler: it matches the raw path, ignoring case, with one optional trailing slash; it never decodes it first.
 */
export function immichRoutesToSignUp(forwardedPath: string): boolean {
  const path = forwardedPath.split("?")[0] ?? "";
  return /^\/api\/auth\/admin-sign-up\/?$/i.test(path);
}
