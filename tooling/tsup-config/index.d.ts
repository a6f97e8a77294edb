import type { Options } from "tsup";

type Plugin = NonNullable<Options["esbuildPlugins"]>[number];

export declare const base: Options;
/** Leaves zod's translations and JSON Schema importer out of a bundle. */
export declare const leaveOutOfZod: Plugin;
/** Resolves every `yaml` import to the one copy `fromDir` resolves. */
export declare function oneYaml(fromDir: string): Plugin;
