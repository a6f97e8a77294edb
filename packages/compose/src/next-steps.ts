import { firstAdminMember, firstAdminNextStep, type ImmichFamilySpec, shellWord } from "@family/immich-spec";
import { renderContext } from "./_context.js";
import { frontendNetworkName } from "./_server-service.js";
import pkg from "../package.json" with { type: "json" };

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
    firstAdminStep(spec, compose.traefik !== undefined, dir),
  ];
}

/**
 * The first admin: none to make on an install that already has its users (adopted, members imported);
 * on a fresh one the worker or `immich-family bootstrap` signs up the spec's first admin, or it is made by hand.
 */
function firstAdminStep(spec: ImmichFamilySpec, traefik: boolean, dir: string): string {
  const admin = firstAdminMember(spec);
  const byHand = traefik
    ? "from inside the server container (Traefik refuses Immich's sign-up from outside)"
    : `in the wizard at https://${spec.hosts.web}, right away (until then anyone who reaches it can claim the install)`;
  const fresh = admin?.workerSignsUp
    ? `the worker signs up ${admin.handle} with members.${admin.handle}.password at its first start (or run \`immich-family bootstrap\` yourself); else make the first admin ${byHand}`
    : `make the first admin ${byHand}${admin ? `, or give members.${admin.handle}.password and run \`immich-family bootstrap\`` : ""}`;
  return `${firstAdminNextStep(fresh)} See ${dir}/README.md, "First start".`;
}
