import picomatch from "picomatch";

/**
 * Include/ignore globs on folders relative to the library root (`2024/Rome`, no leading slash).
 * A folder is ignored when it or any of its ancestors matches an ignore glob; with includes, a folder
 * is kept only when it or an ancestor matches one. Matching is case-sensitive, `*` stays in a segment.
 */
export function folderFilter(include: readonly string[], ignore: readonly string[]): (relFolder: string) => boolean {
  const opts = { dot: true };
  const inc = include.length > 0 ? picomatch(include as string[], opts) : undefined;
  const ign = ignore.length > 0 ? picomatch(ignore as string[], opts) : undefined;
  const cache = new Map<string, boolean>();
  return (relFolder) => {
    const hit = cache.get(relFolder);
    if (hit !== undefined) return hit;
    const parts = relFolder.split("/").filter(Boolean);
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join("/"));
    const keep = (!inc || prefixes.some((p) => inc(p))) && !(ign && prefixes.some((p) => ign(p)));
    cache.set(relFolder, keep);
    return keep;
  };
}
