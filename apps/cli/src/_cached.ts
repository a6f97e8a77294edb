import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";
import type { CommandMain } from "./_command.js";
import { VERSION } from "./version.js";

interface Loaded {
  readonly name: string;
  readonly script: Script;
  readonly cacheFile: string | undefined;
  readonly fresh: boolean;
}
const loaded: Loaded[] = [];
/** A code cache is only good for the Node build that made it: part of each cache file's name. */
const NODE_LINE = `${process.version}-${process.arch}`;

/** Where compiled code is kept between runs: IMMICH_FAMILY_CACHE_DIR, else the user's cache folder. */
function cacheDir(env: NodeJS.ProcessEnv): string {
  return env.IMMICH_FAMILY_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "immich-family");
}

/**
 * Load the self-contained CommonJS bundle of a command (built into dist/cached/) through V8's code
 * cache: a cold start then skips compiling most of the code. Undefined when there is no bundle (tests
 * run the sources); the caller then imports the ESM module instead.
 */
export function loadCachedCommand(name: string, env: NodeJS.ProcessEnv): { main: CommandMain } | undefined {
  const file = fileURLToPath(new URL(`./cached/${name}.cjs`, import.meta.url));
  if (!existsSync(file)) return undefined;
  const source = readFileSync(file, "utf8");
  const { size, mtimeMs } = statSync(file);
  const key = `${name}-${VERSION}-${NODE_LINE}-${size}-${Math.trunc(mtimeMs)}.bin`;
  const cacheFile = env.IMMICH_FAMILY_NO_CODE_CACHE ? undefined : join(cacheDir(env), key);
  let cachedData: Buffer | undefined;
  try {
    if (cacheFile) cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new Script(wrapped, { filename: file, ...(cachedData ? { cachedData } : {}) });
  loaded.push({ name, script, cacheFile, fresh: cachedData === undefined || script.cachedDataRejected === true });
  const module = { exports: {} as { main: CommandMain } };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}

/**
 * After the command ran (so the cache also holds the functions it compiled), write the code cache of
 * the bundles that had none or a stale one, and drop that command's caches of other releases or
 * builds made by this Node; another Node's cache stays (a machine with several Node versions would
 * otherwise rewrite each one in turn). Best effort: a read-only home only costs speed.
 */
export function saveCodeCaches(): void {
  for (const { name, script, cacheFile, fresh } of loaded.splice(0)) {
    if (!cacheFile || !fresh) continue;
    try {
      const dir = dirname(cacheFile);
      mkdirSync(dir, { recursive: true });
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
      for (const old of readdirSync(dir)) {
        if (old.startsWith(`${name}-`) && old.includes(`-${NODE_LINE}-`) && old.endsWith(".bin") && old !== basename(cacheFile))
          rmSync(join(dir, old), { force: true });
      }
    } catch {
      // No cache this time; the next run tries again.
    }
  }
}
