import type { Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import { extname, join } from "node:path";
import { compileGlobSet } from "./glob-set.js";
import { MEDIA_EXTENSIONS } from "./media-extensions.js";

export interface WalkInput {
  readonly importPaths: readonly string[];
  readonly exclusionPatterns: readonly string[];
}

/** Lists the files a library scan would import. */
export interface Walker {
  /** `walkrs` (the server's own walker) or `node` (the globset-compatible fallback). */
  readonly name: "walkrs" | "node";
  list(input: WalkInput): Promise<string[]>;
}

type WalkrsModule = typeof import("@immich/walkrs");

/** The server's own walker, @immich/walkrs (ripgrep's `ignore` + globset): hidden files skipped. */
function walkrsWalker(mod: WalkrsModule): Walker {
  return {
    name: "walkrs",
    async list({ importPaths, exclusionPatterns }) {
      const files: string[] = [];
      for await (const batch of mod.walk({
        paths: [...importPaths],
        extensions: [...MEDIA_EXTENSIONS],
        exclusionPatterns: [...exclusionPatterns],
        includeHidden: false,
      })) {
        for (const item of batch) if (item.type === "entry") files.push(item.path);
      }
      return files;
    },
  };
}

const EXTENSIONS = new Set(MEDIA_EXTENSIONS);

/** A readdir walk with the same rules: hidden entries skipped, supported extensions, globset exclusions. */
export const nodeWalker: Walker = {
  name: "node",
  async list({ importPaths, exclusionPatterns }) {
    const excluded = compileGlobSet(exclusionPatterns);
    const files: string[] = [];
    const visit = async (dir: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (e.name.startsWith(".")) continue;
        const path = join(dir, e.name);
        if (e.isDirectory()) await visit(path);
        else if (e.isFile() && EXTENSIONS.has(extname(e.name).toLowerCase()) && !excluded(path)) files.push(path);
      }
    };
    for (const root of importPaths) await visit(root);
    return files;
  },
};

let chosen: Promise<Walker> | undefined;

/** walkrs when its native binary loads on this platform (glibc x64/arm64, macOS arm64), else the fallback. */
export function defaultWalker(): Promise<Walker> {
  chosen ??= import("@immich/walkrs").then(walkrsWalker, () => nodeWalker);
  return chosen;
}
