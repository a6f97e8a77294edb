import type { ImmichFamilySpec } from "@family/immich-spec";
import { ADOPTED_VOLUME, NETWORK, type RenderContext, renderContext, WORKER_STATE_VOLUME } from "./_context.js";
import { backupService, exporterService } from "./_backup-services.js";
import { databaseService, redisService } from "./_data-services.js";
import { drillService } from "./_drill-service.js";
import { initService } from "./_init-service.js";
import { machineLearningService } from "./_ml-service.js";
import { frontendNetworkName, joinedNetworkKeys, serverService } from "./_server-service.js";
import { workerService } from "./_worker-service.js";
import type { ComposeFile, ComposeNetwork, ComposeService, ComposeVolume } from "./compose-model.js";
import pkg from "../package.json" with { type: "json" };

/** Options of `buildComposeFile` and `renderCompose`. */
export interface ComposeOptions {
  /** Version of this tool, selecting the default worker/init image. @default this package's version */
  readonly toolVersion?: string;
}

/** The Compose model of a spec's compose target, before serialization. */
export function buildComposeFile(spec: ImmichFamilySpec, options: ComposeOptions = {}): ComposeFile {
  const ctx = renderContext(spec, options.toolVersion ?? pkg.version);
  const services: Record<string, ComposeService> = {
    [ctx.services.init]: initService(ctx),
    [ctx.services.server]: serverService(ctx),
  };
  if (spec.machineLearning.enabled) services[ctx.services.machineLearning] = machineLearningService(ctx);
  services[ctx.services.redis] = redisService(ctx);
  services[ctx.services.database] = databaseService(ctx);
  if (ctx.compose.backup.enabled) services[ctx.services.backup] = backupService(ctx);
  if (ctx.compose.metricsExporter.enabled) services[ctx.services.exporter] = exporterService(ctx);
  services[ctx.services.drill] = drillService(ctx);
  if (spec.worker.enabled) services[ctx.services.worker] = workerService(ctx);
  const volumes = namedVolumes(ctx);
  return {
    name: ctx.project,
    services,
    networks: networks(ctx),
    ...(Object.keys(volumes).length > 0 ? { volumes } : {}),
  };
}

/** The worker's state, and an adopted install's volumes by their real names (external: this stack never creates or removes them). */
function namedVolumes(ctx: RenderContext): Record<string, ComposeVolume> {
  const out: Record<string, ComposeVolume> = {};
  const keep = ctx.compose.volumes;
  if (keep?.database) out[ADOPTED_VOLUME.database] = { name: keep.database, external: true };
  if (keep?.modelCache && ctx.spec.machineLearning.enabled) out[ADOPTED_VOLUME.modelCache] = { name: keep.modelCache, external: true };
  if (ctx.spec.worker.enabled) out[WORKER_STATE_VOLUME] = {};
  return out;
}

function networks(ctx: RenderContext): Record<string, ComposeNetwork> {
  const { compose, spec } = ctx;
  const out: Record<string, ComposeNetwork> = {
    [NETWORK.frontend]: { name: frontendNetworkName(ctx), ...(compose.networks.frontendExternal ? { external: true } : {}) },
    // No route out: Valkey, Postgres, the backup and the exporter never leave it.
    [NETWORK.backend]: { name: compose.networks.backend ?? `${ctx.project}-backend`, internal: true },
  };
  if (spec.machineLearning.enabled || (compose.backup.enabled && compose.backup.notify?.email)) out[NETWORK.egress] = { name: `${ctx.project}-egress` };
  const keys = joinedNetworkKeys(ctx);
  compose.networks.join.forEach((name, i) => {
    out[keys[i] as string] = { name, external: true };
  });
  return out;
}
