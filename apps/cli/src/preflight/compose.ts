import { readFileSync, type Stats, statSync } from "node:fs";
import { createServer } from "node:net";
import { availableParallelism, totalmem } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { buildComposeFile } from "@family/immich-compose";
import type { Check, CheckResult, ComposeTarget } from "@family/immich-spec";
import type { PreflightContext } from "./check.js";
import { firstLine } from "../_tool.js";

const composeOf = (ctx: PreflightContext): ComposeTarget => {
  const compose = ctx.spec.targets.compose;
  if (!compose) throw new Error("the spec declares no compose target");
  return compose;
};

const dockerCompose: Check<PreflightContext> = {
  name: "Docker Compose v2",
  run: async (ctx) => {
    const check = "Docker Compose v2";
    const install = "install Docker Engine with the Compose v2 plugin (docker-compose-plugin); the old standalone docker-compose v1 is not enough";
    const r = await ctx.run("docker", ["compose", "version"]);
    if (r.missing) return [{ check, status: "fail", detail: "docker is not on the PATH", fix: install }];
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
  ];
  // A named volume (targets.compose.volumes) is Docker's to find, not a host path.
  if (!c.volumes?.database) paths.push({ field: "paths.database", path: c.paths.database, write: true, database: true });
  if (ctx.spec.machineLearning.enabled && !c.volumes?.modelCache) paths.push({ field: "paths.modelCache", path: c.paths.modelCache, write: true });
  if (c.backup.enabled) paths.push({ field: "paths.backups", path: c.paths.backups, write: true });
  for (const [handle, lib] of Object.entries(c.libraries)) {
    if ("hostPath" in lib) paths.push({ field: `libraries.${handle}.hostPath`, path: lib.hostPath, write: false });
    else for (const [root, host] of Object.entries(lib.roots)) paths.push({ field: `libraries.${handle}.roots.${root}`, path: host, write: false });
  }
  return paths;
}

function pathCheck(ctx: PreflightContext, p: HostPath): CheckResult {
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

const hostPaths: Check<PreflightContext> = {
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
      const address =
        parts.length > 2
          ? parts
              .slice(0, -2)
              .join(":")
              .replace(/^\[(.*)\]$/, "$1")
          : "0.0.0.0";
      if (Number.isInteger(host)) out.push([address, host, name]);
    }
  }
  return out;
}

/** `0100007F` (little-endian IPv4) or 32 hex digits (IPv6, four little-endian words) of /proc/net/tcp* as an address. */
function procAddress(hex: string): string {
  if (hex.length === 8) return [6, 4, 2, 0].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join(".");
  const words = [0, 8, 16, 24].map(
    (i) =>
      hex
        .slice(i, i + 8)
        .match(/../g)
        ?.reverse()
        .join("") ?? "",
  );
  const groups = words.flatMap((w) => [w.slice(0, 4), w.slice(4)]).map((g) => Number.parseInt(g, 16).toString(16));
  const text = groups.join(":");
  if (text === "0:0:0:0:0:0:0:0") return "::";
  if (text === "0:0:0:0:0:0:0:1") return "::1";
  const v4 = /^0:0:0:0:0:ffff:([0-9a-f]+):([0-9a-f]+)$/.exec(text);
  if (v4?.[1] && v4[2]) {
    const [a, b] = [Number.parseInt(v4[1], 16), Number.parseInt(v4[2], 16)];
    return `::ffff:${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`;
  }
  return text;
}

/**
 * The local addresses listening on TCP `port`, as the kernel reports them (Linux `/proc/net/tcp` and
 * `tcp6`; empty where those cannot be read): the real holder of a port, not the address we tried.
 */
export function tcpListeners(port: number, files: readonly string[] = ["/proc/net/tcp", "/proc/net/tcp6"]): string[] {
  const out = new Set<string>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== "0A" || !local) continue; // 0A: LISTEN
      const [addr = "", p = ""] = local.split(":");
      if (Number.parseInt(p, 16) === port) out.add(procAddress(addr));
    }
  }
  return [...out].sort();
}

/** Whether nothing listens on `address:port` yet (binding it for a moment tells). */
export function portFree(address: string, port: number): Promise<true | string> {
  return new Promise((done) => {
    const server = createServer();
    server.once("error", (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
    server.listen({ host: address, port, exclusive: true }, () => server.close(() => done(true)));
  });
}

const ports: Check<PreflightContext> = {
  name: "ports free",
  run: async (ctx) => {
    const published = publishedPorts(ctx);
    if (published.length === 0)
      return [{ check: "ports free", status: "skip", detail: "compose.yaml publishes no port (Traefik reaches the server on its network)" }];
    return Promise.all(
      published.map(async ([address, port, service]): Promise<CheckResult> => {
        const check = `port ${port}`;
        const free = await portFree(address, port);
        if (free === true) return { check, status: "pass", detail: `free on ${address} (published by ${service})` };
        return {
          check,
          status: "fail",
          detail:
            free === "EADDRINUSE" ? `in use on ${holders(address, port)}; ${service} publishes it on ${address}` : `cannot bind ${address}:${port}: ${free}`,
          fix: `stop what listens there (\`ss -ltnp 'sport = :${port}'\` names it; an Immich already running from this folder does too), or put Traefik in front (targets.compose.traefik)`,
        };
      }),
    );
  },
};

/** Who holds a port we could not bind: the kernel's listeners, else the address we tried. */
function holders(tried: string, port: number): string {
  const found = tcpListeners(port);
  return found.length > 0 ? found.join(", ") : tried;
}

/** The host's CPUs and memory, as the engine sees them on this machine. */
export interface HostCapacity {
  readonly cpus: number;
  readonly memoryBytes: number;
}

const MEMORY_UNITS: Record<string, number> = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** A Compose memory value (`512m`, `2g`, bytes) in bytes. */
export function composeMemoryBytes(value: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)([bkmgtp]?)b?$/i.exec(value.trim());
  return m?.[1] ? Math.ceil(Number(m[1]) * (MEMORY_UNITS[(m[2] ?? "").toLowerCase()] ?? 1)) : Number.NaN;
}

/** Every `deploy.resources` limit or reservation of the rendered compose.yaml against the host: the engine refuses a container asking for more. */
export function resourceChecks(ctx: PreflightContext, host: HostCapacity): CheckResult[] {
  const out: CheckResult[] = [];
  const gib = (b: number) => `${(b / 1024 ** 3).toFixed(1)} GiB`;
  for (const [name, service] of Object.entries(buildComposeFile(ctx.spec).services)) {
    const r = service.deploy?.resources;
    for (const [kind, set] of [
      ["limit", r?.limits],
      ["reservation", r?.reservations],
    ] as const) {
      if (set?.cpus !== undefined) {
        const check = `${name} cpus ${kind}`;
        out.push(
          set.cpus <= host.cpus
            ? { check, status: "pass", detail: `${set.cpus} of the host's ${host.cpus} CPUs` }
            : {
                check,
                status: "fail",
                detail: `${set.cpus} CPUs, but the host has ${host.cpus}: the engine refuses to start ${name}`,
                fix: `lower the CPU ${kind} of ${name} in the spec (machineLearning.resources.${kind === "limit" ? "limits" : "requests"}.cpu for machine learning) to ${host.cpus} or less`,
              },
        );
      }
      if (set?.memory !== undefined) {
        const check = `${name} memory ${kind}`;
        const bytes = composeMemoryBytes(set.memory);
        out.push(
          bytes <= host.memoryBytes
            ? { check, status: "pass", detail: `${set.memory} of the host's ${gib(host.memoryBytes)}` }
            : {
                check,
                status: "fail",
                detail: `${set.memory} (${gib(bytes)}), but the host has ${gib(host.memoryBytes)}`,
                fix: `lower the memory ${kind} of ${name} in the spec (machineLearning.resources.${kind === "limit" ? "limits" : "requests"}.memory for machine learning) below ${gib(host.memoryBytes)}`,
              },
        );
      }
    }
  }
  return out;
}

const resourcesFit: Check<PreflightContext> = {
  name: "resources fit the host",
  run: async (ctx) => {
    const rows = resourceChecks(ctx, { cpus: availableParallelism(), memoryBytes: totalmem() });
    return rows.length > 0 ? rows : [{ check: "resources fit the host", status: "skip", detail: "compose.yaml sets no CPU or memory limit" }];
  },
};

/** The Compose preflight, one small check per concern. */
export const COMPOSE_CHECKS: readonly Check<PreflightContext>[] = [dockerCompose, hostPaths, ports, resourcesFit];
