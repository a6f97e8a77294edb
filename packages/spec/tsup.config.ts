import { base } from "@family/tsup-config";
import { defineConfig } from "tsup";

export default defineConfig({ ...base, entry: ["src/index.ts", "src/facts.ts"] });
