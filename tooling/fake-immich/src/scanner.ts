import { randomUUID } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { globToRegExp } from "./_glob.js";
import { assetType } from "./_media.js";
import { type FakeLibrary, type FakeState, now } from "./state.js";

/** Files of the real local filesystem under the library's import paths that the server would import. */
export function listLibraryFiles(library: Pick<FakeLibrary, "importPaths" | "exclusionPatterns">): Map<string, { mtimeMs: number; size: number }> {
  const excluded = library.exclusionPatterns.map(globToRegExp);
  const found = new Map<string, { mtimeMs: number; size: number }>();
  const visit = (dir: string) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith(".")) continue;
      const path = join(dir, e.name);
      if (e.isDirectory()) visit(path);
      else if (e.isFile() && assetType(path) && !excluded.some((re) => re.test(path))) {
        try {
          const s = statSync(path);
          found.set(path, { mtimeMs: s.mtimeMs, size: s.size });
        } catch {
          // vanished between readdir and stat
        }
      }
    }
  };
  for (const root of library.importPaths) visit(root);
  return found;
}

/** Counts of what one scan did. */
export interface ScanOutcome {
  readonly imported: number;
  readonly updated: number;
  readonly offlined: number;
  readonly restored: number;
}

/**
 * The library scan job: import new files, re-read changed ones, mark missing or excluded ones offline
 * (trashed), bring back files that reappear. A missing import root makes all its files offline, as on
 * the real server when an NFS mount drops.
 */
export function scanLibrary(state: FakeState, library: FakeLibrary): ScanOutcome {
  const files = listLibraryFiles(library);
  const byPath = new Map(state.libraryAssets(library.id).map((a) => [a.originalPath, a]));
  let imported = 0;
  let updated = 0;
  let offlined = 0;
  let restored = 0;
  for (const [path, info] of files) {
    const asset = byPath.get(path);
    const modified = new Date(info.mtimeMs).toISOString();
    if (!asset) {
      const at = now();
      state.assets.set(randomUUID(), {
        id: "",
        ownerId: library.ownerId,
        libraryId: library.id,
        originalPath: path,
        originalFileName: basename(path),
        type: assetType(path) ?? "IMAGE",
        fileCreatedAt: modified,
        fileModifiedAt: modified,
        createdAt: at,
        updatedAt: at,
        isOffline: false,
        deletedAt: null,
        size: info.size,
      });
      imported++;
      continue;
    }
    if (asset.isOffline) {
      asset.isOffline = false;
      asset.deletedAt = null;
      asset.updatedAt = now();
      restored++;
    }
    if (asset.fileModifiedAt !== modified || asset.size !== info.size) {
      asset.fileModifiedAt = modified;
      asset.size = info.size;
      asset.updatedAt = now();
      updated++;
    }
  }
  for (const asset of byPath.values()) {
    if (!files.has(asset.originalPath) && !asset.isOffline) {
      asset.isOffline = true;
      asset.deletedAt = now();
      asset.updatedAt = asset.deletedAt;
      offlined++;
    }
  }
  // ids are the map keys; fill them in for new assets
  for (const [id, asset] of state.assets) if (asset.id === "") state.assets.set(id, { ...asset, id });
  library.refreshedAt = now();
  return { imported, updated, offlined, restored };
}
