import { readdir, stat } from "node:fs/promises";

/** Why an import root cannot be trusted right now. */
export interface RootProblem {
  readonly path: string;
  readonly reason: "missing" | "not-a-directory" | "unreadable" | "empty" | "vanished";
  readonly message: string;
}

/**
 * Check each import root before acting: a dropped NFS mount shows up as a missing or empty folder,
 * and scanning then would mark the whole library offline.
 */
export async function checkRoots(importPaths: readonly string[]): Promise<RootProblem[]> {
  const problems: RootProblem[] = [];
  for (const path of importPaths) {
    try {
      const s = await stat(path);
      if (!s.isDirectory()) {
        problems.push({ path, reason: "not-a-directory", message: `${path} is not a directory` });
        continue;
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.push(
        code === "ENOENT"
          ? { path, reason: "missing", message: `${path} does not exist (is the library mounted?)` }
          : { path, reason: "unreadable", message: `${path} cannot be read (${code})` },
      );
      continue;
    }
    try {
      const entries = await readdir(path);
      if (entries.length === 0) problems.push({ path, reason: "empty", message: `${path} is empty (is the library mounted?)` });
    } catch (error) {
      problems.push({ path, reason: "unreadable", message: `${path} cannot be read (${(error as NodeJS.ErrnoException).code})` });
    }
  }
  return problems;
}

/** Roots that had files at the last scan and now have none: a mount that came back empty. */
export function vanishedRoots(importPaths: readonly string[], before: Iterable<string>, now: readonly string[]): RootProblem[] {
  const under = (root: string) => (p: string) => p === root || p.startsWith(root.endsWith("/") ? root : `${root}/`);
  const problems: RootProblem[] = [];
  const beforeList = [...before];
  for (const root of importPaths) {
    const had = beforeList.filter(under(root)).length;
    if (had > 0 && !now.some(under(root))) {
      problems.push({ path: root, reason: "vanished", message: `all ${had} files under ${root} are gone (is the library mounted?)` });
    }
  }
  return problems;
}
