import { machineLearningImage, PORTS } from "@family/immich-spec";
import { bind, IN_CONTAINER, NETWORK, type RenderContext } from "./_context.js";
import { dependsOn } from "./_depends.js";
import type { ComposeService } from "./compose-model.js";
import { mlProfile } from "./hwaccel.js";
import { composeResources } from "./_resources.js";

export function machineLearningService(ctx: RenderContext): ComposeService {
  const { spec, compose } = ctx;
  const { volumes: extraVolumes = [], deploy: device, ...profile } = mlProfile(spec.machineLearning.acceleration);
  const { limits, reservations } = composeResources(spec.machineLearning.resources);
  const deviceReservations = device?.resources.reservations;
  const resources = {
    ...(limits ? { limits } : {}),
    ...(reservations || deviceReservations ? { reservations: { ...reservations, ...deviceReservations } } : {}),
  };
  return {
    image: machineLearningImage(spec),
    user: ctx.user,
    restart: "unless-stopped",
    ...dependsOn([ctx.services.init, "service_completed_successfully"]),
    // As uid:gid the image's HOME is not writable, and the model downloader also writes under ~/.cache.
    environment: {
      ...(spec.immich.timezone ? { TZ: spec.immich.timezone } : {}),
      MACHINE_LEARNING_CACHE_FOLDER: IN_CONTAINER.modelCache,
      HOME: IN_CONTAINER.modelCache,
    },
    volumes: [bind(compose.paths.modelCache, IN_CONTAINER.modelCache), ...extraVolumes],
    ...profile,
    ...(Object.keys(resources).length > 0 ? { deploy: { resources } } : {}),
    // egress: models are downloaded on first use.
    networks: [NETWORK.backend, NETWORK.egress],
    healthcheck: {
      test: ["CMD", "python3", "-c", `import urllib.request; urllib.request.urlopen('http://127.0.0.1:${PORTS.machineLearning}/ping', timeout=5)`],
      interval: "30s",
      timeout: "10s",
      retries: 3,
      start_period: "120s",
    },
  };
}
