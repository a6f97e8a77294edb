import { describe, expect, it } from "vitest";
import { runSource } from "../../test/helpers.js";

/** Run the probe in `node --expose-gc` (the supported Node this runs on, 20 included); kill it after `limitMs`. */
function probe(limitMs: number): Promise<{ code: number | null; out: string; err: string }> {
  const { child, output, exited } = runSource(new URL("../../test/deadline-probe.ts", import.meta.url), [], { nodeFlags: ["--expose-gc"] });
  const killer = setTimeout(() => child.kill("SIGKILL"), limitMs);
  return exited.then(({ code }) => {
    clearTimeout(killer);
    return { code, ...output };
  });
}

describe("request deadlines", () => {
  it("hold through garbage collections: a stalled request fails after its timeout and is reported or retried", async () => {
    // Before, on Node 20 the timeout of AbortSignal.any([AbortSignal.timeout(ms), stop]) was lost after a GC
    // and the stalled request waited for undici's 300 s header timeout: this child was killed at 20 s.
    const r = await probe(20_000);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out) as { reported: { ok: boolean; error?: string; ms: number }; retried: { ok: boolean; ms: number }; errors: string[] };
    expect(result.reported).toMatchObject({ ok: false, error: "server version: no answer in 1.5 s" });
    expect(result.reported.ms).toBeGreaterThanOrEqual(1_490);
    expect(result.retried.ok).toBe(true);
    // (a loaded machine may time out a later attempt too; the stalled one is what counts)
    expect(result.errors.slice(0, 2)).toEqual(["server version: timeout", "server version: timeout, retried"]);
  }, 30_000);
});
