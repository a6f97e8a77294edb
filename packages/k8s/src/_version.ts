import pkg from "../package.json" with { type: "json" };

/** This tool's release, which picks the default worker/init image tag. */
export const TOOL_VERSION: string = pkg.version;
