// Keeps the image's default version (`ARG VERSION=` in packages/worker/Dockerfile, its
// org.opencontainers.image.version label in a plain `docker build`) equal to the CLI's version.
// Run by `pnpm version-packages` after `changeset version`.
import { readFileSync, writeFileSync } from "node:fs";

const root = new URL("..", import.meta.url);
const dockerfile = new URL("packages/worker/Dockerfile", root);
const { version } = JSON.parse(readFileSync(new URL("apps/cli/package.json", root), "utf8"));
const text = readFileSync(dockerfile, "utf8");
if (!/^ARG VERSION=\S+$/m.test(text)) throw new Error("packages/worker/Dockerfile has no ARG VERSION= line");
const next = text.replace(/^ARG VERSION=\S+$/m, `ARG VERSION=${version}`);
if (next !== text) writeFileSync(dockerfile, next);
