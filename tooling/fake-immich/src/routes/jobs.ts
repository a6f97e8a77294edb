import type { FakeRouter } from "../router.js";
import { QUEUE_NAMES } from "../state.js";

/** Queue counts: `GET /jobs` (legacy, `job.read`) and `GET /queues` (`queue.read`, v2.4+). */
export function jobRoutes(router: FakeRouter): void {
  router
    .add("GET", "/jobs", { admin: true, permission: "job.read" }, ({ state }) => ({
      body: Object.fromEntries(
        QUEUE_NAMES.map((name) => {
          const c = state.queues[name];
          return [name, { jobCounts: { ...c }, queueStatus: { isActive: c.active > 0, isPaused: false } }];
        }),
      ),
    }))
    .add("GET", "/queues", { admin: true, permission: "queue.read" }, ({ state }) => ({
      body: QUEUE_NAMES.map((name) => ({ name, isPaused: false, statistics: { ...state.queues[name] } })),
    }));
}
