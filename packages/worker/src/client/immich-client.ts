import type { ApiErrorKind } from "./api-error.js";
import { type ImmichApiError, retryAfterMs, toApiError } from "./api-error.js";
import { type BackoffOptions, backoffDelay, sleep } from "./backoff.js";

/** Options every `@immich/sdk` function accepts as its last argument. */
export interface SdkOpts {
  readonly baseUrl: string;
  readonly headers: Record<string, string>;
  readonly signal: AbortSignal;
}

/** The server, key, timeouts, retries and stop signal of an `ImmichClient`. */
export interface ImmichClientOptions {
  /** API base URL, ending in `/api`. */
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Where the key came from (an env var's name or a key file, never the key): a rejected key's message names it. */
  readonly keyName?: string;
  /** A login session's token instead of the key (`Authorization: Bearer`), e.g. to make the worker's own key. */
  readonly accessToken?: string;
  /** Per-request timeout. @default 30000 */
  readonly timeoutMs?: number;
  readonly backoff?: BackoffOptions;
  /** Aborts waiting and in-flight requests (SIGTERM). */
  readonly signal?: AbortSignal;
  /** Told about every failed attempt, retried or not. */
  readonly onError?: (kind: ApiErrorKind, operation: string, willRetry: boolean, delayMs: number) => void;
}

/**
 * One API key on one server. Calls the SDK with explicit options (no global `init`), so several keys
 * and servers can be used at once, and retries transient failures with jittered backoff.
 */
export class ImmichClient {
  readonly baseUrl: string;
  constructor(private readonly options: ImmichClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
  }

  /**
   * Run one attempt of `fn` under a deadline. The deadline is a timer held by this call and cleared
   * when it settles: on Node 20 a signal from `AbortSignal.any([AbortSignal.timeout(ms), …])` can be
   * collected and lose its timeout, leaving a stalled request to undici's 300 s header timeout.
   */
  private async attempt<T>(fn: (opts: SdkOpts) => Promise<T>): Promise<T> {
    const ms = this.options.timeoutMs ?? 30_000;
    const deadline = new AbortController();
    const said = ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
    const timer = setTimeout(() => deadline.abort(new DOMException(`no answer in ${said}`, "TimeoutError")), ms);
    const outer = this.options.signal;
    const onStop = () => deadline.abort(outer?.reason);
    if (outer?.aborted) onStop();
    else outer?.addEventListener("abort", onStop, { once: true });
    try {
      const headers: Record<string, string> = this.options.accessToken
        ? { authorization: `Bearer ${this.options.accessToken}` }
        : { "x-api-key": this.options.apiKey };
      return await fn({ baseUrl: this.baseUrl, headers, signal: deadline.signal });
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener("abort", onStop);
    }
  }

  /** Run `fn` once, turning failures into `ImmichApiError`. */
  async once<T>(operation: string, fn: (opts: SdkOpts) => Promise<T>): Promise<T> {
    try {
      return await this.attempt(fn);
    } catch (error) {
      if (this.options.signal?.aborted) throw this.options.signal.reason;
      const apiError = toApiError(operation, error, this.options.keyName);
      this.options.onError?.(apiError.kind, operation, false, 0);
      throw apiError;
    }
  }

  /**
   * Run `fn`, retrying 429, 5xx, timeouts and network errors with backoff (honouring Retry-After).
   * Only use it for idempotent calls, or calls whose repetition is harmless (a second scan request).
   */
  async call<T>(operation: string, fn: (opts: SdkOpts) => Promise<T>): Promise<T> {
    const attempts = this.options.backoff?.attempts ?? 6;
    for (let attempt = 0; ; attempt++) {
      let apiError: ImmichApiError;
      try {
        return await this.attempt(fn);
      } catch (error) {
        if (this.options.signal?.aborted) throw this.options.signal.reason;
        apiError = toApiError(operation, error, this.options.keyName);
      }
      const retry = apiError.transient && attempt + 1 < attempts;
      const delay = retry ? Math.max(retryAfterMs(apiError) ?? 0, backoffDelay(attempt, this.options.backoff)) : 0;
      this.options.onError?.(apiError.kind, operation, retry, delay);
      if (!retry) throw apiError;
      await sleep(delay, this.options.signal);
    }
  }
}
