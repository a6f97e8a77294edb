import { CONFIG_FILL_ARGS, IMMICH_CONFIG_TEMPLATE, workerImage } from "@family/immich-spec";
import { bind, IN_CONTAINER, modelCacheSource, type RenderContext, secretEnv, WORKER_STATE_VOLUME } from "./_context.js";
import type { ComposeService } from "./compose-model.js";

/** Writable paths the init step owns to uid:gid: `[spec field, host source, container path]`. Not the database (postgres owns it). */
export function writablePaths(ctx: RenderContext): [string, string, string][] {
  const { spec, compose } = ctx;
  const paths: [string, string, string][] = [["paths.media", compose.paths.media, ctx.media]];
  if (spec.machineLearning.enabled) paths.push(["paths.modelCache", modelCacheSource(ctx), IN_CONTAINER.modelCache]);
  if (compose.backup.enabled) paths.push(["paths.backups", compose.paths.backups, IN_CONTAINER.backups]);
  if (spec.worker.enabled) paths.push(["", WORKER_STATE_VOLUME, IN_CONTAINER.workerState]);
  return paths;
}

const isRoot = (ctx: RenderContext) => ctx.compose.user.uid === 0 && ctx.compose.user.gid === 0;

/** Whether the init step hands the writable trees to uid:gid: never for a root install (0:0), nor when the spec says not to (`chown: false`). */
export function initChowns(ctx: RenderContext): boolean {
  return ctx.compose.chown && !isRoot(ctx);
}

const normal = (p: string) => p.replace(/^\.\//, "").replace(/\/+$/, "");
const inside = (child: string, parent: string) => normal(child) === normal(parent) || normal(child).startsWith(`${normal(parent)}/`);

/**
 * The shell script of immich-init: own every writable tree (recursively, touching only what is not
 * owned yet) and the config folder itself (not its content: seed 002 keeps the database under it),
 * then fill the config template from the env file.
 */
export function initScript(ctx: RenderContext): string {
  const out = IN_CONTAINER.configFile;
  const fill = `immich-family ${CONFIG_FILL_ARGS.join(" ")}`;
  // The config file is this tool's own: it goes to uid:gid even when the trees are left alone.
  if (!initChowns(ctx))
    return ["set -eu", "umask 027", ...(isRoot(ctx) ? [fill] : [`chown ${ctx.user} ${IN_CONTAINER.config}`, fill, `chown ${ctx.user} ${out}`]), ""].join("\n");
  const db = ctx.compose.volumes?.database ? "" : ctx.compose.paths.database;
  for (const [field, source] of writablePaths(ctx)) {
    if (field && db && inside(db, source)) {
      throw new Error(
        `targets.compose.paths.database (${db}) is inside ${field} (${source}): immich-init would hand the database to ${ctx.user}; move one of them`,
      );
    }
  }
  const trees = writablePaths(ctx).map(([, , target]) => target);
  return [
    "set -eu",
    "umask 027",
    `find ${trees.join(" ")} \\( ! -user ${ctx.compose.user.uid} -o ! -group ${ctx.compose.user.gid} \\) -exec chown -h ${ctx.user} {} +`,
    `chown ${ctx.user} ${IN_CONTAINER.config}`,
    fill,
    `chown ${ctx.user} ${out}`,
    "",
  ].join("\n");
}

/**
 * immich-init: a one-shot root container with only CHOWN (hand paths to uid:gid) and DAC_OVERRIDE
 * (traverse a 770 dataset owned by another user, overwrite last deploy's config file).
 */
export function initService(ctx: RenderContext): ComposeService {
  const env = secretEnv(ctx, "config-init");
  return {
    image: workerImage(ctx.spec, ctx.toolVersion),
    user: "0:0",
    entrypoint: ["/bin/sh", "-c"],
    command: [initScript(ctx)],
    restart: "no",
    // Only the keys the config template names.
    ...(Object.keys(env).length > 0 ? { environment: env } : {}),
    volumes: [
      ...(initChowns(ctx) ? writablePaths(ctx).map(([, source, target]) => bind(source, target)) : []),
      bind(ctx.compose.paths.config, IN_CONTAINER.config),
      bind(`./${IMMICH_CONFIG_TEMPLATE}`, `${IN_CONTAINER.templateDir}/${IMMICH_CONFIG_TEMPLATE}`, true),
    ],
    security_opt: ["no-new-privileges:true"],
    cap_drop: ["ALL"],
    cap_add: isRoot(ctx) ? ["DAC_OVERRIDE"] : ["CHOWN", "DAC_OVERRIDE"],
    network_mode: "none",
  };
}
