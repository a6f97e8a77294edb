// Runs albums.ts built (see _bundle.mjs): each sync it measures runs the bundle in a child process.
import { spawnSync } from "node:child_process";
import { withBundle } from "./_bundle.mjs";

await withBundle("albums", (file) => {
  const r = spawnSync(process.execPath, [file], { stdio: "inherit" });
  process.exitCode = r.status ?? 1;
});
