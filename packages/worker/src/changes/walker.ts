import type { Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import { extname, join } from "node:path";
import { compileGlobSet } from "./glob-set.js";
import { MEDIA_EXTENSIONS } from "./media-extensions.js";

/** The library settings that decide which files a scan imports. */
export interface WalkInput {
  readonly importPaths: readonly string[];
  readonly exclusionPatterns: readonly string[];
}

/** Lists the files a library scan would import. */
export interface Walker {
  /** `walkrs` (the server's own walker) or `node` (the globset-compatible fallback). */
  readonly name: "walkrs" | "node";
  /** Call `visit` with each file, without holding the whole listing. */
  each(input: WalkInput, visit: (path: string) => void): Promise<void>;
  list(input: WalkInput): Promise<string[]>;
}

function withList(walker: Omit<Walker, "list">): Walker {
  return {
    ...walker,
    async list(input) {
      const files: string[] = [];
      await walker.each(input, (p) => void files.push(p));
      return files;
    },
  };
}

type WalkrsModule = typeof import("@immich/walkrs");

/** The server's own walker, @immich/walkrs (ripgrep's `ignore` + globset): hidden files skipped. */
function walkrsWalker(mod: WalkrsModule): Walker {
  return withList({
    name: "walkrs",
    async each({ importPaths, exclusionPatterns }, visit) {
      for await (const batch of mod.walk({
        paths: [...importPaths],
        extensions: [...MEDIA_EXTENSIONS],
        exclusionPatterns: [...exclusionPatterns],
        includeHidden: false,
      })) {
        for (const item of batch) if (item.type === "entry") visit(item.path);
      }
    },
  });
}

const EXTENSIONS = new Set(MEDIA_EXTENSIONS);

/** A readdir walk with the same rules: hidden entries skipped, supported extensions, globset exclusions. */
export const nodeWalker: Walker = withList({
  name: "node",
  async each({ importPaths, exclusionPatterns }, visit) {
    const excluded = compileGlobSet(exclusionPatterns);
    const walkDir = async (dir: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (e.name.startsWith(".")) continue;
        const path = join(dir, e.name);
        if (e.isDirectory()) await walkDir(path);
        else if (e.isFile() && EXTENSIONS.has(extname(e.name).toLowerCase()) && !excluded(path)) visit(path);
      }
    };
    for (const root of importPaths) await walkDir(root);
  },
});

let chosen: Promise<Walker> | undefined;

/** walkrs when its native binary loads on this platform (glibc x64/arm64, macOS arm64), else the fallback. */
export function defaultWalker(): Promise<Walker> {
  chosen ??= import("@immich/walkrs").then(walkrsWalker, () => nodeWalker);
  return chosen;
}
