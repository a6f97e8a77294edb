import { type Stats, statSync } from "node:fs";
import { createServer } from "node:net";
import { isAbsolute, resolve } from "node:path";
import { buildComposeFile } from "@family/immich-compose";
import type { ComposeTarget } from "@family/immich-spec";
import type { Check, PreflightCheck, PreflightContext } from "./check.js";
import { firstLine } from "./tool.js";

const composeOf = (ctx: PreflightContext): ComposeTarget => {
  const compose = ctx.spec.targets.compose;
  if (!compose) throw new Error("the spec declares no compose target");
  return compose;
};

const dockerCompose: Check = {
  name: "Docker Compose v2",
  run: async (ctx) => {
    const check = "Docker Compose v2";
    const install = "install Docker Engine with the Compose v2 plugin (docker-compose-plugin); the old standalone docker-compose v1 is not enough";
    const r = await ctx.run("docker", ["compose", "version"]);
    if (!r.found) return [{ check, status: "fail", detail: "docker is not on the PATH", fix: install }];
    if (r.code !== 0) return [{ check, status: "fail", detail: `\`docker compose version\` failed: ${firstLine(r.stderr) || `exit ${r.code}`}`, fix: install }];
    const v = /v?([0-9]+)\.([0-9]+)\.([0-9]+)/.exec(r.stdout);
    if (!v) return [{ check, status: "fail", detail: `cannot read a version in "${firstLine(r.stdout)}"`, fix: install }];
    return Number(v[1]) >= 2
      ? [{ check, status: "pass", detail: `docker compose ${v[0].replace(/^v?/, "v")}` }]
      : [{ check, status: "fail", detail: `docker compose ${v[0]} is older than v2`, fix: install }];
  },
};

/** Whether `uid:gid` may read (and write) `path`, by its owner, group and mode bits (ACLs and extra groups unseen). */
export function allows(st: Pick<Stats, "uid" | "gid" | "mode">, uid: number, gid: number, write: boolean): boolean {
  if (uid === 0) return true;
  const bits = st.uid === uid ? (st.mode >> 6) & 7 : st.gid === gid ? (st.mode >> 3) & 7 : st.mode & 7;
  const need = 4 | 1 | (write ? 2 : 0);
  return (bits & need) === need;
}

interface HostPath {
  readonly field: string;
  readonly path: string;
  /** uid:gid writes it; read-only otherwise. */
  readonly write: boolean;
  /** Postgres owns it: only its existence is checked. */
  readonly database?: boolean;
}

/** The host paths the Compose target mounts, with what the containers do with them. */
export function composeHostPaths(ctx: PreflightContext): HostPath[] {
  const c = composeOf(ctx);
  const paths: HostPath[] = [
    { field: "paths.media", path: c.paths.media, write: true },
    { field: "paths.config", path: c.paths.config, write: true },
    { field: "paths.database", path: c.paths.database, write: true, database: true },
  ];
  if (ctx.spec.machineLearning.enabled) paths.push({ field: "paths.modelCache", path: c.paths.modelCache, write: true });
  if (c.backup.enabled) paths.push({ field: "paths.backups", path: c.paths.backups, write: true });
  for (const [handle, lib] of Object.entries(c.libraries)) paths.push({ field: `libraries.${handle}.hostPath`, path: lib.hostPath, write: false });
  return paths;
}

function pathCheck(ctx: PreflightContext, p: HostPath): PreflightCheck {
  const { uid, gid } = composeOf(ctx).user;
  const full = resolve(ctx.composeDir, p.path);
  const check = `host path ${p.field}`;
  const shown = isAbsolute(p.path) ? p.path : `${p.path} (${full})`;
  let st: Stats | undefined;
  try {
    st = statSync(full, { throwIfNoEntry: false });
  } catch (error) {
    return {
      check,
      status: "fail",
      detail: `${shown}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      fix: `make ${full} reachable by this user`,
    };
  }
  if (!st) {
    if (!isAbsolute(p.path) && p.write)
      return {
        check,
        status: "pass",
        detail: `${shown} does not exist yet: Docker creates it beside compose.yaml at first start${p.database ? " and Postgres takes it" : ", and immich-init hands it to the user"}`,
      };
    return {
      check,
      status: "fail",
      detail: `${shown} does not exist${p.write ? "; Docker would create it as root, maybe on the wrong disk" : ""}`,
      fix: p.write ? `mkdir -p ${full} && chown ${uid}:${gid} ${full}` : `mount or create ${full} (the library folder), or fix targets.compose.${p.field}`,
    };
  }
  if (!st.isDirectory()) return { check, status: "fail", detail: `${shown} is not a folder`, fix: `point targets.compose.${p.field} at a folder` };
  if (p.database) return { check, status: "pass", detail: `${shown} exists (Postgres owns its content; not checked for ${uid}:${gid})` };
  if (allows(st, uid, gid, p.write)) return { check, status: "pass", detail: `${shown} is ${p.write ? "writable" : "readable"} by ${uid}:${gid}` };
  return {
    check,
    status: "fail",
    detail: `${shown} is owned by ${st.uid}:${st.gid} with mode ${(st.mode & 0o777).toString(8)}: ${uid}:${gid} cannot ${p.write ? "write" : "read"} it`,
    fix: p.write
      ? `chown -R ${uid}:${gid} ${full} (immich-init does this at start only where root may chown, e.g. not on root-squashed NFS)`
      : `let ${uid}:${gid} read ${full}, e.g. chmod -R o+rX ${full} or a group it is in`,
  };
}

const hostPaths: Check = {
  name: "host paths",
  run: async (ctx) => composeHostPaths(ctx).map((p) => pathCheck(ctx, p)),
};

/** The host ports the rendered compose.yaml publishes: `[address, port, service]`. */
export function publishedPorts(ctx: PreflightContext): [string, number, string][] {
  const file = buildComposeFile(ctx.spec);
  const out: [string, number, string][] = [];
  for (const [name, service] of Object.entries(file.services)) {
    for (const spec of service.ports ?? []) {
      const parts = spec.split(":");
      if (parts.length < 2) continue;
      const host = Number(parts[parts.length - 2]);
      if (Number.isInteger(host)) out.push([parts.length > 2 ? (parts[0] ?? "0.0.0.0") : "0.0.0.0", host, name]);
    }
  }
  return out;
}

/** Whether nothing listens on `address:port` yet (binding it for a moment tells). */
export function portFree(address: string, port: number): Promise<true | string> {
  return new Promise((done) => {
    const server = createServer();
    server.once("error", (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
    server.listen({ host: address, port, exclusive: true }, () => server.close(() => done(true)));
  });
}

const ports: Check = {
  name: "ports free",
  run: async (ctx) => {
    const published = publishedPorts(ctx);
    if (published.length === 0)
      return [{ check: "ports free", status: "skip", detail: "compose.yaml publishes no port (Traefik reaches the server on its network)" }];
    return Promise.all(
      published.map(async ([address, port, service]): Promise<PreflightCheck> => {
        const check = `port ${port}`;
        const free = await portFree(address, port);
        if (free === true) return { check, status: "pass", detail: `free on ${address} (published by ${service})` };
        return {
          check,
          status: "fail",
          detail: free === "EADDRINUSE" ? `in use on ${address}; ${service} publishes it` : `cannot bind ${address}:${port}: ${free}`,
          fix: `stop what listens there (\`ss -ltnp 'sport = :${port}'\` names it; an Immich already running from this folder does too), or put Traefik in front (targets.compose.traefik)`,
        };
      }),
    );
  },
};

/** The Compose preflight, one small check per concern. */
export const COMPOSE_CHECKS: readonly Check[] = [dockerCompose, hostPaths, ports];
