import { PORTS, WORKER_ARGS, WORKER_ENDPOINTS, WORKER_MEMORY, WORKER_TMP_SIZE, workerImage } from "@family/immich-spec";
import { bind, IN_CONTAINER, NETWORK, type RenderContext, SPEC_COPY, secretEnv, WORKER_STATE_VOLUME } from "./_context.js";
import { dependsOn, nodeHttpCheck } from "./_depends.js";
import type { ComposeService } from "./compose-model.js";
import { composeMemory } from "./_resources.js";
import { libraryMounts } from "./_server-service.js";

/**
 * The scan/album worker: reads the spec copy, sees the libraries read-only, talks to the server on the
 * backend network. Least-privileged: no capabilities, no privilege escalation, a read-only root with a
 * small tmpfs `/tmp`, its state in a volume, and a memory limit sized from the bench (`WORKER_MEMORY`).
 */
export function workerService(ctx: RenderContext): ComposeService {
  const specPath = IN_CONTAINER.workerSpecFile;
  return {
    image: workerImage(ctx.spec, ctx.toolVersion),
    user: ctx.user,
    entrypoint: ["immich-family"],
    command: [...WORKER_ARGS],
    restart: "unless-stopped",
    ...dependsOn([ctx.services.init, "service_completed_successfully"], [ctx.services.server, "service_healthy"]),
    // Only its API keys, under the names the spec gives them.
    environment: { IMMICH_URL: `http://${ctx.services.server}:${PORTS.server}/api`, ...secretEnv(ctx, "worker") },
    volumes: [bind(`./${SPEC_COPY}`, specPath, true), `${WORKER_STATE_VOLUME}:${IN_CONTAINER.workerState}`, ...libraryMounts(ctx)],
    security_opt: ["no-new-privileges:true"],
    cap_drop: ["ALL"],
    read_only: true,
    tmpfs: [`/tmp:size=${composeMemory(WORKER_TMP_SIZE)}`],
    deploy: { resources: { limits: { memory: composeMemory(WORKER_MEMORY.limit) }, reservations: { memory: composeMemory(WORKER_MEMORY.request) } } },
    networks: [NETWORK.backend],
    healthcheck: {
      // Ready, not just alive: a wrong URL or a rejected key keeps it unhealthy.
      test: nodeHttpCheck(`http://127.0.0.1:${PORTS.worker}${WORKER_ENDPOINTS.ready}`),
      interval: "30s",
      timeout: "5s",
      retries: 3,
      start_period: "60s",
    },
  };
}
