import type { ViteUserConfig } from "vitest/config";
export declare function vitestConfig(overrides?: Record<string, unknown>): ViteUserConfig;
