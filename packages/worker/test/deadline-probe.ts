// Run by src/client/deadline.test.ts in a child process: `node --expose-gc`, with a garbage collection every
// 20 ms while requests stall, so the test sees whether deadlines survive collection (Node 20).
import { createFakeImmich } from "@family/fake-immich";
import { getServerVersion } from "@immich/sdk";
import { ImmichClient } from "../src/client/immich-client.js";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");
const fake = await createFakeImmich();
const key = fake.addApiKey(fake.addUser({ email: "ann@example.com", isAdmin: true }));
const stop = new AbortController();
const errors: string[] = [];
const client = new ImmichClient({
  baseUrl: fake.url,
  apiKey: key,
  timeoutMs: 1_500,
  signal: stop.signal,
  backoff: { baseMs: 1, maxMs: 5, attempts: 4 },
  onError: (kind, operation, willRetry) => errors.push(`${operation}: ${kind}${willRetry ? ", retried" : ""}`),
});
const collecting = setInterval(() => gc(), 20);
const timed = async (fn: () => Promise<unknown>) => {
  const started = performance.now();
  const outcome = await fn().then(
    (v) => ({ ok: true, value: v }),
    (e: Error) => ({ ok: false, error: e.message }),
  );
  return { ...outcome, ms: Math.round(performance.now() - started) };
};
fake.faults.add({ kind: "hang", method: "GET", path: "/server/version", times: 1 });
const reported = await timed(() => client.once("server version", (o) => getServerVersion(o)));
fake.faults.add({ kind: "hang", method: "GET", path: "/server/version", times: 1 });
const retried = await timed(() => client.call("server version", (o) => getServerVersion(o)));
clearInterval(collecting);
process.stdout.write(JSON.stringify({ node: process.version, reported, retried, errors }));
await fake.close();
