/** How often and how long to retry a transient API failure. */
export interface BackoffOptions {
  /** First delay. @default 500 */
  readonly baseMs?: number;
  /** Longest delay. @default 60000 */
  readonly maxMs?: number;
  /** Attempts in total before giving up. @default 6 */
  readonly attempts?: number;
  /** Source of randomness, for tests. @default Math.random */
  readonly random?: () => number;
}

/** Exponential backoff with full jitter: a random delay up to base·2^attempt, capped. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 500;
  const cap = options.maxMs ?? 60_000;
  const ceiling = Math.min(cap, base * 2 ** attempt);
  return Math.round((options.random ?? Math.random)() * ceiling);
}

/** Resolve after `ms`, or reject when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
