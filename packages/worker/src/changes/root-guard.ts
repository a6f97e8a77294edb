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
