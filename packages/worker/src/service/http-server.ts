import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WORKER_ENDPOINTS } from "@family/immich-spec/facts";
import type { WorkerMetrics } from "./metrics.js";

/** What `/healthz` and `/readyz` report. */
export interface HealthSource {
  /** Alive: the loop is running. */
  readonly healthy: () => boolean;
  /** Ready: libraries reconciled and the server reachable. */
  readonly ready: () => boolean;
  /** Why not ready, in a sentence each (the body of a 503 `/readyz`). */
  readonly why?: () => readonly string[];
}

/** `/healthz`, `/readyz` and `/metrics`. */
export async function startHttpServer(
  port: number,
  host: string,
  metrics: WorkerMetrics,
  health: HealthSource,
): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === WORKER_ENDPOINTS.health || path === WORKER_ENDPOINTS.ready) {
      const ok = path === WORKER_ENDPOINTS.health ? health.healthy() : health.ready();
      const why = ok || path === WORKER_ENDPOINTS.health ? [] : (health.why?.() ?? []);
      res.writeHead(ok ? 200 : 503, { "content-type": "text/plain" }).end(ok ? "ok\n" : `not ready\n${why.map((w) => `${w}\n`).join("")}`);
      return;
    }
    if (path === WORKER_ENDPOINTS.metrics) {
      metrics.registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": metrics.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
