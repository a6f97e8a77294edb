import { machineLearningImage, PORTS } from "@family/immich-spec";
import { bind, containerName, IN_CONTAINER, modelCacheSource, NETWORK, pinned, type RenderContext } from "./_context.js";
import { localtimeMount } from "./_server-service.js";
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
    image: pinned(machineLearningImage(spec), compose.images?.machineLearning?.digest),
    ...containerName(compose.containerNames?.machineLearning),
    user: ctx.user,
    restart: "unless-stopped",
    ...dependsOn([ctx.services.init, "service_completed_successfully"]),
    // As uid:gid the image's HOME is not writable, and the model downloader also writes under ~/.cache.
    environment: {
      ...(spec.immich.timezone ? { TZ: spec.immich.timezone } : {}),
      MACHINE_LEARNING_CACHE_FOLDER: IN_CONTAINER.modelCache,
      HOME: IN_CONTAINER.modelCache,
    },
    volumes: [bind(modelCacheSource(ctx), IN_CONTAINER.modelCache), ...localtimeMount(ctx), ...extraVolumes],
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
