import { lineOf, linesEntered, newestSupportedRelease, supportedLines, supportedRange } from "./line-of.js";
import type { SupportedLine } from "./lines.js";
import { type BreakingChange, compareVersions, type ImmichLine, normalizeVersion, parseVersion, type RequiredStop } from "./release-line.js";

/** Upgrades Immich documents as needing an intermediate release, oldest boundary first. */
export const REQUIRED_STOPS: readonly RequiredStop[] = [
  {
    below: "v1.107.2",
    before: "v1.133.0",
    stop: "v1.107.2",
    reason: "Immich v1.133.0 upgrades only from v1.107.2 or later",
    source: "Immich v1.133.0 release notes",
  },
  {
    below: "v1.132.0",
    before: "v1.137.0",
    stop: "v1.132.3",
    reason: 'v1.137.0 replaced TypeORM; the server must have started once on v1.132.0 or later, or it stops with "Invalid upgrade path"',
    source: "docs.immich.app/errors/#typeorm-upgrade",
  },
  {
    below: "v1.133.0",
    before: "v3.0.0",
    stop: "v2.7.5",
    reason: "v3 removed pgvecto.rs; releases from v1.133.0 to v2.x move the database to VectorChord at their first start, so one of them must run first",
    source: "immich.app/blog/v3-migration; Immich v1.133.0 release notes",
  },
];

/** One line crossed by an upgrade, with what it changes. */
export interface LineStep {
  readonly line: ImmichLine;
  readonly breaking: readonly BreakingChange[];
  readonly manualSteps: ImmichLine["manualSteps"];
}

/** The way from one Immich release to another: the lines crossed and the manual steps, or why there is none. */
export type UpgradePlan =
  | {
      readonly ok: true;
      readonly from: string;
      readonly to: string;
      /** The lines entered, each with its breaking changes; empty within one line. */
      readonly lines: readonly LineStep[];
      /** The release line of the target. */
      readonly target: SupportedLine;
      /** Notes on what the tool does not know about this upgrade. */
      readonly notes: readonly string[];
      /** The manual steps, in order: the backup, each line's steps before the new render is applied, applying it, each line's steps after. */
      readonly manualSteps: readonly string[];
    }
  | { readonly ok: false; readonly from: string; readonly to: string; readonly reason: string; readonly suggestion?: string };

/** Steps of every upgrade: the first comes before the lines' own steps, the others between their steps before and after. */
export const EVERY_UPGRADE_STEPS: readonly string[] = [
  "Back up the database first, and keep the backup until the new release has run for a while: Immich migrates the database at start, and going back means restoring this backup (Compose: the backup service or `pg_dumpall`; Kubernetes: a CloudNativePG backup or volume snapshot).",
  "Render, then apply the rendered folder (Compose: `docker compose pull && docker compose up -d`; Kubernetes: `kubectl apply -k`).",
  'Watch the server\'s log through its first start: migrations can take minutes, and a config value the new release refuses stops it with "Invalid value(s) in file".',
];

/**
 * What moving a spec's pinned Immich release from `from` to `to` involves, or why the move is refused:
 * downgrades, lines the tool does not know, and jumps over a release Immich requires to run in between.
 */
export function planUpgrade(fromVersion: string, toVersion: string): UpgradePlan {
  const from = normalizeVersion(fromVersion);
  const to = normalizeVersion(toVersion);
  if (!parseVersion(to)) return { ok: false, from, to, reason: `${toVersion} is not a release version such as ${newestSupportedRelease()}` };
  if (!parseVersion(from)) return { ok: false, from, to, reason: `the spec pins ${fromVersion}, which is not a release version` };
  const order = compareVersions(to, from);
  if (order === 0) return { ok: false, from, to, reason: `the spec already pins ${to}` };
  if (order < 0) {
    return {
      ok: false,
      from,
      to,
      reason: `${to} is older than ${from}: Immich migrates its database forward at start and cannot run on a database a newer release migrated. To go back, restore the database backup taken before the upgrade, then pin ${to} by hand`,
    };
  }
  const target = lineOf(to);
  if (!target) {
    return {
      ok: false,
      from,
      to,
      reason: `${to} is in a release line this tool does not know (it knows ${supportedLines("and")}): its breaking changes are unknown and the renderers do not know its config`,
      suggestion: newestSupportedRelease(),
    };
  }
  const stop = REQUIRED_STOPS.find((s) => compareVersions(from, s.below) < 0 && compareVersions(to, s.before) >= 0);
  if (stop) {
    return {
      ok: false,
      from,
      to,
      reason: `${from} cannot go straight to ${to}: ${stop.reason} (${stop.source}). Upgrade to ${stop.stop} first, start it once, then upgrade again`,
      suggestion: stop.stop,
    };
  }
  const lines = linesEntered(from, target).map((line) => ({
    line,
    breaking: line.breaking,
    manualSteps: line.manualSteps,
  }));
  const notes: string[] = [];
  if (compareVersions(to, target.newest) > 0) {
    notes.push(
      `${to} is newer than the newest v${target.major}.x release this tool knows (${target.newest}): whatever it changes beyond that is not listed here; read its release notes`,
    );
  }
  if (!lineOf(from)) notes.push(`${from} is older than the lines this tool knows: what changed before ${supportedRange().min} is not listed here`);
  return {
    ok: true,
    from,
    to,
    lines,
    target,
    notes,
    manualSteps: [
      ...EVERY_UPGRADE_STEPS.slice(0, 1),
      ...lines.flatMap((l) => l.manualSteps.before),
      ...EVERY_UPGRADE_STEPS.slice(1),
      ...lines.flatMap((l) => l.manualSteps.after),
    ],
  };
}
