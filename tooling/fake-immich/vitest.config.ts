import { vitestConfig } from "@family/vitest-config";
import { defineConfig } from "vitest/config";

export default defineConfig(vitestConfig());
