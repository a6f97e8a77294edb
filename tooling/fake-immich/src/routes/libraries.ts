import { accessSync, constants, statSync } from "node:fs";
import { isAbsolute, relative } from "node:path";
import { badRequest } from "../errors.js";
import type { FakeRouter, RouteContext } from "../router.js";
import { scanLibrary } from "../scanner.js";
import { type FakeLibrary, type FakeState, now } from "../state.js";
import { Checks, objectBody } from "./validation.js";

const MAX = 128;

function libraryDto(state: FakeState, l: FakeLibrary) {
  return {
    id: l.id,
    ownerId: l.ownerId,
    name: l.name,
    importPaths: l.importPaths,
    exclusionPatterns: l.exclusionPatterns,
    assetCount: state.libraryAssets(l.id).filter((a) => !a.isOffline).length,
    createdAt: l.createdAt,
    updatedAt: l.updatedAt,
    refreshedAt: l.refreshedAt,
  };
}

function findLibrary({ state, params }: RouteContext): FakeLibrary {
  const library = state.libraries.get(params.id ?? "");
  if (!library) throw badRequest("Library not found");
  return library;
}

/** The server's import-path check: absolute, exists, a readable directory, not inside the media folder. */
export function validateImportPath(state: FakeState, importPath: string): { importPath: string; isValid: boolean; message?: string } {
  if (!isAbsolute(importPath))
    return { importPath, isValid: false, message: `Import path must be absolute, try ${importPath.startsWith("/") ? importPath : `/${importPath}`}` };
  const rel = relative(state.mediaLocation, importPath);
  if (rel === "" || (!rel.startsWith("..") && !isAbsolute(rel)))
    return { importPath, isValid: false, message: "Cannot use media upload folder for external libraries" };
  let isDir: boolean;
  try {
    isDir = statSync(importPath).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { importPath, isValid: false, message: code === "ENOENT" ? "Path does not exist (ENOENT)" : `Cannot access path (${code})` };
  }
  if (!isDir) return { importPath, isValid: false, message: "Not a directory" };
  try {
    accessSync(importPath, constants.R_OK);
  } catch {
    return { importPath, isValid: false, message: "Lacking read permission for folder" };
  }
  return { importPath, isValid: true };
}

function checkLibraryFields(checks: Checks, body: Record<string, unknown>): void {
  checks.string("name", body.name);
  checks.stringArray("importPaths", body.importPaths, MAX);
  checks.stringArray("exclusionPatterns", body.exclusionPatterns, MAX);
}

function update(ctx: RouteContext) {
  const library = findLibrary(ctx);
  const body = objectBody(ctx.body);
  const checks = new Checks();
  checkLibraryFields(checks, body);
  checks.done();
  if (Array.isArray(body.importPaths)) {
    const invalid = (body.importPaths as string[]).map((p) => validateImportPath(ctx.state, p)).filter((v) => !v.isValid);
    if (invalid.length > 0) throw badRequest(`Invalid import path: ${invalid.map((v) => `${v.importPath}: ${v.message}`).join(", ")}`);
    library.importPaths = body.importPaths as string[];
  }
  if (Array.isArray(body.exclusionPatterns)) library.exclusionPatterns = body.exclusionPatterns as string[];
  if (typeof body.name === "string") library.name = body.name;
  library.updatedAt = now();
  return { body: libraryDto(ctx.state, library) };
}

/** External libraries: every endpoint is admin-only. */
export function libraryRoutes(router: FakeRouter): void {
  router
    .add("GET", "/libraries", { admin: true, permission: "library.read" }, ({ state }) => ({
      body: [...state.libraries.values()].map((l) => libraryDto(state, l)),
    }))
    .add("POST", "/libraries", { admin: true, permission: "library.create" }, ({ state, body: raw }) => {
      const body = objectBody(raw);
      const checks = new Checks();
      checks.uuid("ownerId", body.ownerId);
      checkLibraryFields(checks, body);
      checks.done();
      const ownerId = body.ownerId as string;
      if (!state.users.has(ownerId)) throw badRequest("User not found");
      const library = state.addLibrary({
        ownerId,
        ...(typeof body.name === "string" ? { name: body.name } : {}),
        importPaths: (body.importPaths as string[] | undefined) ?? [],
        exclusionPatterns: (body.exclusionPatterns as string[] | undefined) ?? [],
      });
      return { status: 201, body: libraryDto(state, library) };
    })
    .add("GET", "/libraries/:id", { admin: true, permission: "library.read" }, (ctx) => ({ body: libraryDto(ctx.state, findLibrary(ctx)) }))
    .add("PUT", "/libraries/:id", { admin: true, permission: "library.update" }, update)
    .add("PATCH", "/libraries/:id", { admin: true, permission: "library.update", when: (api) => api.libraryPatch }, update)
    .add("DELETE", "/libraries/:id", { admin: true, permission: "library.delete" }, (ctx) => {
      const library = findLibrary(ctx);
      ctx.state.libraries.delete(library.id);
      for (const a of ctx.state.libraryAssets(library.id)) ctx.state.assets.delete(a.id);
      return { status: 204 };
    })
    .add("POST", "/libraries/:id/validate", { admin: true, permission: "all" }, (ctx) => {
      findLibrary(ctx);
      const body = objectBody(ctx.body);
      const checks = new Checks();
      checks.stringArray("importPaths", body.importPaths, MAX);
      checks.stringArray("exclusionPatterns", body.exclusionPatterns, MAX);
      checks.done();
      const paths = (body.importPaths as string[] | undefined) ?? [];
      return { body: { importPaths: paths.map((p) => validateImportPath(ctx.state, p)) } };
    })
    .add("POST", "/libraries/:id/scan", { admin: true, permission: "library.update" }, (ctx) => {
      const library = findLibrary(ctx);
      ctx.state.enqueue("library", () => {
        const current = ctx.state.libraries.get(library.id);
        if (!current) return;
        const outcome = scanLibrary(ctx.state, current);
        for (let i = 0; i < outcome.imported + outcome.updated; i++) ctx.state.queues.metadataExtraction.completed++;
      });
      return { status: 204 };
    })
    .add("GET", "/libraries/:id/statistics", { admin: true, permission: "library.statistics" }, (ctx) => {
      const library = findLibrary(ctx);
      const online = ctx.state.libraryAssets(library.id).filter((a) => !a.isOffline);
      const photos = online.filter((a) => a.type === "IMAGE").length;
      return { body: { photos, videos: online.length - photos, total: online.length, usage: online.reduce((n, a) => n + a.size, 0) } };
    });
}
