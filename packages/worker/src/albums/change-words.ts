import type { AlbumChange } from "./plan.js";
import type { LibraryAlbumResult } from "./reconcile.js";

/** "1 photo", "2 photos". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** An album field as people call it. */
const FIELD_WORDS: Readonly<Record<string, string>> = {
  albumName: "name",
  description: "description",
  order: "sort order",
  isActivityEnabled: "comments and likes",
  albumThumbnailAssetId: "cover",
};

/** What a change does to its album, in people's words: `+93 photos, +2 shares, set cover`. */
export function changeWords(c: AlbumChange): string {
  return changeParts(c).join(", ");
}

function changeParts(c: AlbumChange): string[] {
  const parts: string[] = [];
  if (c.rename) parts.push(`was ${JSON.stringify(c.rename.from)}, ${plural(c.rename.files, "file")} moved`);
  const assets = (c.create?.assetIds.length ?? 0) + c.addAssets.length;
  if (assets) parts.push(`+${plural(assets, "photo")}`);
  if (c.removeAssets.length) parts.push(`-${plural(c.removeAssets.length, "photo")}`);
  const shares = (c.create?.albumUsers.length ?? 0) + c.addUsers.length;
  if (shares) parts.push(`+${plural(shares, "share")}`);
  if (c.setRoles.length) parts.push(`${plural(c.setRoles.length, "role")} changed`);
  if (c.removeUsers.length) parts.push(`-${plural(c.removeUsers.length, "share")}`);
  // A rename's name and marker are said by "was …"; its cover moves to the same photo's new asset.
  const fields = Object.keys(c.update ?? {}).filter((k) => !(c.rename && (k === "albumName" || k === "description")));
  if (fields.length > 0) parts.push(`set ${fields.map((k) => FIELD_WORDS[k] ?? k).join(", ")}`);
  if (c.visibility) parts.push(`${plural(c.visibility.ids.length, "photo")} → ${c.visibility.value}`);
  return parts;
}

/** One line of what a sync did to one album, for a log. */
export interface AlbumLogLine {
  readonly level: "info" | "warn";
  readonly album: string;
  readonly outcome: string;
  readonly message: string;
}

/**
 * What a sync did to each album it touched, by name, in a sentence: created, renamed, updated,
 * repaired (with each repair), deleted, and failed or not done (what was tried, and the server's words).
 */
export function albumLogLines(r: LibraryAlbumResult): AlbumLogLine[] {
  const out: AlbumLogLine[] = [];
  const changes = r.plan?.changes ?? [];
  changes.forEach((c, i) => {
    const outcome = r.outcomes?.[i] ?? "not applied";
    const where = `album ${JSON.stringify(c.name)}`;
    const words = changeWords(c);
    const line = (level: AlbumLogLine["level"], message: string) => out.push({ level, album: c.name, outcome, message });
    switch (outcome) {
      case "created":
        line("info", `created ${where}: ${words || "empty"}`);
        return;
      case "renamed":
        line(
          "info",
          `renamed album ${JSON.stringify(c.rename?.from)} to ${JSON.stringify(c.name)}: ${plural(c.rename?.files ?? 0, "file")} moved there, ${changeParts(c).slice(1).join(", ")}; the same album, its shares, links, comments and cover kept`,
        );
        return;
      case "updated":
        line("info", `updated ${where}: ${words}`);
        return;
      case "repaired": {
        const repairs = r.summary.repaired.filter((x) => x.startsWith(`${where}: `)).map((x) => x.slice(where.length + 2));
        line("info", `repaired ${where}: ${repairs.join("; ") || words}`);
        return;
      }
      case "deleted":
        line("info", `deleted ${where}: ${c.delete ?? ""}`);
        return;
      case "failed": {
        const why = r.failures.filter((f) => f.startsWith(`${where}: `)).map((f) => f.slice(where.length + 2));
        line(
          "warn",
          `${where} failed: tried ${c.delete ? "to delete it" : words}; not done: ${why.join("; ") || "see the failures"}; the next run tries again`,
        );
        return;
      }
      default:
        line("warn", `${where} not done: tried ${c.delete ? "to delete it" : words}; the run stopped first; the next run tries again`);
    }
  });
  return out;
}

/** The little of a pino logger the album lines need. */
interface LineLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/**
 * Log one library's album sync: a summary line (`fields` added to it), a line per album it created,
 * renamed, updated, deleted, failed or did not reach, each repair, each failed step in the server's
 * words, and each problem. The service and the after-scan hook log the same way.
 */
export function logAlbumSync(logger: LineLogger, r: LibraryAlbumResult, fields: object = {}): void {
  const library = r.library;
  logger.info({ library, ...fields, ...r.summary.albums, failures: r.failures.length }, "albums synced");
  for (const l of albumLogLines(r)) if (l.outcome !== "repaired") logger[l.level]({ library, album: l.album, outcome: l.outcome }, l.message);
  for (const line of r.summary.repaired) logger.info({ library }, `repaired: ${line}`);
  for (const failure of r.failures) logger.warn({ library, failure }, "album step failed; retried next run");
  for (const problem of r.plan?.problems ?? []) logger.warn({ library, problem }, "album problem");
}
