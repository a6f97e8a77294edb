/** Album levels as in immich-folder-album-creator: N>0 from the top, N<0 from the bottom, or "start,end". */
export type AlbumLevels = number | string;

/** How a folder path becomes an album name: levels, separator, renames. */
export interface NameRules {
  readonly levels: AlbumLevels;
  readonly separator: string;
  readonly rename: readonly { readonly pattern: string; readonly replacement: string }[];
}

/** Which of `segments` (the file's folder relative to its library root) name its album. */
export interface AlbumSlice {
  /** The folder names that make the album's name, root-most first. */
  readonly chunks: readonly string[];
  /** How many leading segments make the album's folder (the one whose `.albumprops` apply). */
  readonly anchorDepth: number;
}

function parseLevels(levels: AlbumLevels): { start: number; end: number } | number {
  if (typeof levels === "number") {
    if (!Number.isInteger(levels) || levels === 0) throw new Error(`album levels: expected a non-zero whole number, got ${levels}`);
    return levels;
  }
  const m = /^(-?[1-9][0-9]*),(-?[1-9][0-9]*)$/.exec(levels.trim());
  if (!m) {
    const n = Number(levels);
    if (Number.isInteger(n) && n !== 0) return n;
    throw new Error(`album levels: expected N or "start,end", got ${JSON.stringify(levels)}`);
  }
  return { start: Number(m[1]), end: Number(m[2]) };
}

/**
 * Slice a folder's segments by album levels. Files right in the library root get no album.
 * `N>0`: the first N folders; `N<0`: the last |N|; `"start,end"`: folders start..end inclusive, each
 * counted from the top when positive (1 = the first) and from the bottom when negative (-1 = the last).
 * Levels deeper than the folder are clamped; a range that selects nothing gives no album.
 */
export function albumSlice(segments: readonly string[], levels: AlbumLevels): AlbumSlice | undefined {
  const n = segments.length;
  if (n === 0) return undefined;
  const parsed = parseLevels(levels);
  let from: number;
  let to: number;
  if (typeof parsed === "number") {
    if (parsed > 0) [from, to] = [0, Math.min(parsed, n) - 1];
    else [from, to] = [Math.max(0, n + parsed), n - 1];
  } else {
    const index = (i: number) => (i > 0 ? i - 1 : n + i);
    from = Math.max(0, index(parsed.start));
    to = Math.min(n - 1, index(parsed.end));
  }
  if (from > to) return undefined;
  return { chunks: segments.slice(from, to + 1), anchorDepth: to + 1 };
}

/** Join chunks with the separator, then apply the rename rules in order (each a global regex replace). */
export function albumName(chunks: readonly string[], rules: Pick<NameRules, "separator" | "rename">): string {
  let name = chunks.join(rules.separator);
  for (const { pattern, replacement } of rules.rename) name = name.replace(new RegExp(pattern, "g"), replacement);
  return name.trim();
}

/** Check the rules once, so a bad regex or level fails the run before any request. */
export function checkNameRules(rules: NameRules): string[] {
  const problems: string[] = [];
  try {
    parseLevels(rules.levels);
  } catch (error) {
    problems.push((error as Error).message);
  }
  for (const { pattern } of rules.rename) {
    try {
      new RegExp(pattern, "g");
    } catch (error) {
      problems.push(`rename pattern ${JSON.stringify(pattern)}: ${(error as Error).message}`);
    }
  }
  return problems;
}
