import { compareVersions, parseVersion } from "./release-line.js";
import { IMMICH_LINES, type SupportedLine } from "./lines.js";

/** The supported line `version` belongs to (`v3.1.0` and `3.0.2` are on v3), or undefined. */
export function lineOf(version: string): SupportedLine | undefined {
  const major = parseVersion(version)?.[0];
  return IMMICH_LINES.find((l) => l.major === major);
}

/** `version` is a release on a supported line. */
export function isSupported(version: string): boolean {
  return lineOf(version) !== undefined;
}

/** The oldest and the newest line of the table. */
function ends(): { oldest: SupportedLine; newest: SupportedLine } {
  const [oldest, newest] = [IMMICH_LINES[0], IMMICH_LINES[IMMICH_LINES.length - 1]];
  if (!oldest || !newest) throw new Error("the release table is empty");
  return { oldest, newest };
}

/** The supported releases: from `min` up to, not including, `below` (`v2.0.0`, `v4.0.0`). */
export function supportedRange(): { min: string; below: string } {
  const { oldest, newest } = ends();
  return { min: `v${oldest.major}.0.0`, below: `v${newest.major + 1}.0.0` };
}

/** The supported lines by name, for messages: `v2.x and v3.x` (`suffix` after each major, `.x` unless told). */
export function supportedLines(conjunction: "and" | "or", suffix = ".x"): string {
  const names = IMMICH_LINES.map((l) => `v${l.major}${suffix}`);
  return names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} ${conjunction} ${names[names.length - 1]}`;
}

/** The newest release the tool knows, of its newest line: what new specs pin and the fake imitates by default. */
export function newestSupportedRelease(): string {
  return ends().newest.newest;
}

/** The supported line nearest to `version`: its own, else the oldest line for an older release and the newest for a newer one. */
export function nearestLine(version: string): SupportedLine {
  const { oldest, newest } = ends();
  return lineOf(version) ?? (compareVersions(version, oldest.newest) < 0 ? oldest : newest);
}

/** The supported lines an upgrade from `from` into `to`'s line enters, oldest first; empty within one line. */
export function linesEntered(from: string, to: SupportedLine): SupportedLine[] {
  const fromMajor = parseVersion(from)?.[0] ?? 0;
  return IMMICH_LINES.filter((l) => l.major > fromMajor && l.major <= to.major);
}
