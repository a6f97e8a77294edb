import type { ImmichFamilySpec } from "@family/immich-spec";
import type { Logger } from "pino";
import { logAlbumSync } from "./change-words.js";
import { reconcileAlbums } from "./reconcile.js";

/** What the album sync after a library scan needs. */
export interface AlbumHookOptions {
  readonly spec: ImmichFamilySpec;
  readonly url: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The admin key, when it does not come from `env` (e.g. read from `--api-key-file`). */
  readonly adminApiKey?: string;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
  /** Where each library's last asset read is kept, so a sync reads only what changed since. */
  readonly stateDir?: string;
}

/**
 * The worker's `afterScan` hook: once a triggered scan's jobs are done, sync the folder albums of that
 * library (add-only steps and sharing repair; no removals or deletions without a person's flag).
 * Failures are logged, never thrown: the next scan retries them.
 */
export function albumSyncAfterScan(options: AlbumHookOptions): (library: { readonly handle: string }) => Promise<void> {
  return async ({ handle }) => {
    if (!options.spec.libraries[handle]?.albums) return;
    const report = await reconcileAlbums({
      spec: options.spec,
      baseUrl: options.url,
      env: options.env,
      library: handle,
      apply: true,
      ...(options.adminApiKey ? { adminApiKey: options.adminApiKey } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.stateDir ? { stateDir: options.stateDir } : {}),
    });
    for (const r of report.libraries) {
      const { assetsAdded, sharesAdded } = r.summary;
      logAlbumSync(options.logger, r, { assetsAdded, sharesAdded });
    }
  };
}
