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
    firstAdminStep(spec, compose.traefik !== undefined, dir),
  ];
}

/**
 * The first admin: none to make on an install that already has its users (adopted, members imported);
 * on a fresh one the worker or `immich-family bootstrap` signs up the spec's first admin, or it is made by hand.
 */
function firstAdminStep(spec: ImmichFamilySpec, traefik: boolean, dir: string): string {
  const [handle, admin] = Object.entries(spec.members).find(([, m]) => m.admin) ?? [];
  const byHand = traefik
    ? "from inside the server container (Traefik refuses Immich's sign-up from outside)"
    : `in the wizard at https://${spec.hosts.web}, right away (until then anyone who reaches it can claim the install)`;
  const auto =
    handle && admin?.password && spec.worker.enabled
      ? `the worker signs up ${handle} with members.${handle}.password at its first start (or run \`immich-family bootstrap\` yourself); else make the first admin ${byHand}`
      : `make the first admin ${byHand}${handle ? `, or give members.${handle}.password and run \`immich-family bootstrap\`` : ""}`;
  return `First admin: an install that already has its users (adopted, members imported) has none to make; they sign in as before. A fresh install: ${auto}. See ${dir}/README.md, "First start".`;
}
