import type { ImmichFamilySpec } from "@family/immich-spec";
import { renderContext } from "./_context.js";
import { frontendNetworkName } from "./_server-service.js";
import pkg from "../package.json" with { type: "json" };

const shellWord = (word: string) => (/^[\w./@:+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);

/**
 * What to do after the Compose folder was rendered into `dir` (as the user named it), one step a
 * line: what `immich-family render` prints. The folder's README.md explains each step in full.
 */
export function composeNextSteps(spec: ImmichFamilySpec, dir: string): string[] {
  const ctx = renderContext(spec, pkg.version);
  const { compose } = ctx;
  const d = shellWord(dir);
  const envFlag = compose.envFile === ".env" ? "" : ` --env-file ${shellWord(compose.envFile)}`;
  return [
    `Once per host: the user ${compose.user.uid} and group ${compose.user.gid} own the data; see ${dir}/README.md, "Host setup".`,
    `Copy ${dir}/.env.example to ${dir}/${compose.envFile} and fill in every key; keep it out of git.`,
    ...(compose.traefik && compose.networks.frontendExternal
      ? [`Create Traefik's network if it does not exist: docker network create ${frontendNetworkName(ctx)}`]
      : []),
    `Start: cd ${d} && docker compose${envFlag} up -d`,
    `Check the init step exited 0: docker compose${envFlag} logs ${ctx.services.init} (an unresolved \${KEY} stops it, and the server does not start).`,
    compose.traefik
      ? `Make the first admin from inside the server container (Traefik refuses Immich's sign-up from outside): see ${dir}/README.md, "First start".`
      : `Open https://${spec.hosts.web} right away: the first account you create becomes the admin.`,
  ];
}
