/** What goes wrong with a matching request. */
export type FaultKind =
  /** Answer normally after `delayMs`. */
  | { readonly kind: "latency"; readonly delayMs: number }
  /** Answer `status` (5xx by default 503) with Immich's error body. */
  | { readonly kind: "status"; readonly status?: number }
  /** 429 with `Retry-After` in seconds. */
  | { readonly kind: "rate-limit"; readonly retryAfterSeconds?: number }
  /** Never answer: the request hangs until the client gives up or the fake closes. */
  | { readonly kind: "hang" }
  /** Destroy the connection without an answer. */
  | { readonly kind: "drop" }
  /** Carry the request out, then destroy the connection instead of answering (the answer is lost). */
  | { readonly kind: "drop-response" };

export type FaultSpec = FaultKind & {
  /** Only this method. @default any */
  readonly method?: string;
  /** A path under `/api` (exact or `:param` pattern), or a RegExp tested on it. @default every path */
  readonly path?: string | RegExp;
  /** How many matching requests it hits, then it is spent. @default Infinity */
  readonly times?: number;
};

interface ActiveFault {
  readonly spec: FaultSpec;
  readonly test: (method: string, path: string) => boolean;
  remaining: number;
  hits: number;
}

/** Fault injection by route pattern and count. */
export class Faults {
  private readonly active: ActiveFault[] = [];

  /** Add a fault; returns a handle with its hit count. */
  add(spec: FaultSpec): { readonly hits: () => number; readonly remove: () => void } {
    const pathTest = toPathTest(spec.path);
    const fault: ActiveFault = {
      spec,
      remaining: spec.times ?? Number.POSITIVE_INFINITY,
      hits: 0,
      test: (method, path) => (spec.method === undefined || spec.method.toUpperCase() === method) && pathTest(path),
    };
    this.active.push(fault);
    return { hits: () => fault.hits, remove: () => this.remove(fault) };
  }

  clear(): void {
    this.active.length = 0;
  }

  /** The fault that applies to this request, consuming one of its counts. */
  take(method: string, path: string): FaultKind | undefined {
    const fault = this.active.find((f) => f.remaining > 0 && f.test(method, path));
    if (!fault) return undefined;
    fault.remaining -= 1;
    fault.hits += 1;
    return fault.spec;
  }

  private remove(fault: ActiveFault): void {
    const i = this.active.indexOf(fault);
    if (i >= 0) this.active.splice(i, 1);
  }
}

function toPathTest(path: string | RegExp | undefined): (p: string) => boolean {
  if (path === undefined) return () => true;
  if (path instanceof RegExp) return (p) => path.test(p);
  const re = new RegExp(`^${path.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/:[a-zA-Z]+/g, "[^/]+")}/?$`);
  return (p) => re.test(p);
}
