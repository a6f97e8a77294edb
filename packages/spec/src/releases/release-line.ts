import type { ImmichConfigSchema } from "../immich-config/config-schema.js";

/**
 * One Immich release line the tool supports (an entry of `IMMICH_LINES`): its identity (the major) and
 * what it asks of the rest of the stack; what a move into it changes.
 */
export interface ImmichLine<Major extends number = number> {
  /** The major version: 2 for v2.x. */
  readonly major: Major;
  /** The newest release of this line the tool knows and has checked. */
  readonly newest: string;
  /** The line's strict server config schema (vendored, see tooling/schemas): its keys, defaults and refused values. */
  readonly configSchema: ImmichConfigSchema;
  /** What the database must offer on this line. */
  readonly database: {
    readonly postgres: string;
    readonly vectorChord: string;
    /** Vector extensions the server refuses on this line, with what it does about them. */
    readonly refused: readonly string[];
    /** The database images the renderers use on this line, and whether a move into it changes them. */
    readonly images: string;
  };
  /** The mobile apps this line needs; `minimum` is undefined where no source gives a number. */
  readonly mobileApp: { readonly minimum: string | undefined; readonly note: string; readonly source: string };
  /** What changes when an install moves into this line from the previous one. */
  readonly breaking: readonly BreakingChange[];
  /** What the operator does by hand when moving into this line: before applying the new render, and after. */
  readonly manualSteps: { readonly before: readonly string[]; readonly after: readonly string[] };
}

/** The part of an installation a breaking change touches. */
export type ChangeArea = "config" | "api" | "env" | "database" | "mobile" | "machine-learning" | "metrics" | "jobs";

/** A change of a release line that can break an installation on upgrade. */
export interface BreakingChange {
  readonly area: ChangeArea;
  /** What changed, in one line. */
  readonly change: string;
  /** What this tool does about it, or what is left to the operator. */
  readonly handling: string;
  /** Where the fact comes from. */
  readonly source: string;
}

/** An upgrade that must stop at an intermediate release: from below `from` to `to` or later. */
export interface RequiredStop {
  /** Installs older than this … */
  readonly below: string;
  /** … cannot go straight to this release or any later one … */
  readonly before: string;
  /** … without first starting this release once (any release in [below, before) works; this one is suggested). */
  readonly stop: string;
  readonly reason: string;
  readonly source: string;
}

const VERSION = /^v?([0-9]+)\.([0-9]+)\.([0-9]+)$/;

/** `[major, minor, patch]` of `v2.7.5` or `2.7.5`, or undefined for anything else. */
export function parseVersion(version: string): [number, number, number] | undefined {
  const m = VERSION.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** `v2.7.5` for `2.7.5`; a version with its `v`. */
export function normalizeVersion(version: string): string {
  const v = version.trim();
  return v.startsWith("v") ? v : `v${v}`;
}

/** Negative, zero or positive as `a` is older than, the same as, or newer than `b`. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [parseVersion(a), parseVersion(b)];
  if (!x || !y) throw new Error(`not a release version: ${x ? b : a}`);
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}
