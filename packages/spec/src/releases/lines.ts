import type { ImmichLine } from "./release-line.js";
import { v2 } from "./v2.js";
import { v3 } from "./v3.js";

/**
 * The Immich release lines this tool supports, oldest first, one major after the other: the one place
 * a new line is added. The supported range, the newest release, the schema's version check, the config
 * schema a spec is checked against, doctor and the fake all follow this table.
 */
export const IMMICH_LINES = [v2, v3] as const;

/** The major of a supported line; a map keyed by it (`Record<LineMajor, …>`) must have an entry for every line. */
export type LineMajor = (typeof IMMICH_LINES)[number]["major"];

/** A line of the table. */
export type SupportedLine = ImmichLine<LineMajor>;
