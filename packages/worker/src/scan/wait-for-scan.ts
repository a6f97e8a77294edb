import { getQueues, getQueuesLegacy } from "@immich/sdk";
import { ImmichApiError } from "../client/api-error.js";
import { sleep } from "../client/backoff.js";
import type { ImmichClient } from "../client/immich-client.js";

/** The library queue's active and waiting job counts. */
export interface QueueState {
  readonly active: number;
  readonly waiting: number;
}

/** The library queue's counts (`GET /jobs`, or `GET /queues` where the legacy route is gone). */
export async function libraryQueue(client: ImmichClient): Promise<QueueState> {
  try {
    const legacy = await client.call("read job queues", (o) => getQueuesLegacy(o));
    return { active: legacy.library.jobCounts.active, waiting: legacy.library.jobCounts.waiting + legacy.library.jobCounts.delayed };
  } catch (error) {
    if (!(error instanceof ImmichApiError) || error.kind !== "not-found") throw error;
  }
  const queues = await client.call("read queues", (o) => getQueues(o));
  const lib = queues.find((q) => q.name === "library");
  return { active: lib?.statistics.active ?? 0, waiting: (lib?.statistics.waiting ?? 0) + (lib?.statistics.delayed ?? 0) };
}

/** Follow the library queue until it is idle (the scan's jobs are done). */
export async function waitForScan(
  client: ImmichClient,
  options: { readonly intervalMs?: number; readonly timeoutMs?: number; readonly signal?: AbortSignal; readonly onProgress?: (q: QueueState) => void } = {},
): Promise<boolean> {
  const deadline = Date.now() + (options.timeoutMs ?? 6 * 3_600_000);
  for (;;) {
    const q = await libraryQueue(client);
    options.onProgress?.(q);
    if (q.active === 0 && q.waiting === 0) return true;
    if (Date.now() >= deadline) return false;
    await sleep(options.intervalMs ?? 2_000, options.signal);
  }
}
