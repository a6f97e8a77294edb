import { escapeControl } from "@family/immich-spec";
import { parseDocument } from "yaml";
import { CliError } from "../_errors.js";
import { InterpolationError, interpolate, type Lookup, parseEnvFile } from "./_dotenv.js";
import type { ImportFolder } from "./_read.js";
import { isMapping, type Note, Shape } from "./_shape.js";

/** The names Compose looks for, in its order. */
export const COMPOSE_FILES = ["compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"] as const;

/** A bind or volume of a service: `source:target[:mode]` or the long form, interpolated. */
export interface Mount {
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

/** One service, every field of the type Compose gives it, raw (not interpolated): a wrong type was noted and left out. */
export interface ComposeService {
  readonly name: string;
  readonly image: string;
  readonly environment: ReadonlyMap<string, string>;
  readonly labels: ReadonlyMap<string, string>;
  readonly volumes: readonly Mount[];
  readonly user?: string;
  readonly command: readonly string[];
  readonly ports: readonly string[];
  /** `extends: { service }` (or `extends: name`). */
  readonly extends?: string;
}

export interface ComposeNetwork {
  readonly key: string;
  readonly name?: string;
  readonly external: boolean;
  readonly internal: boolean;
}

/** A Compose install as read from its folder: the compose file and `.env`, typed. */
export interface ComposeInstall {
  /** The compose file as messages show it. */
  readonly file: string;
  readonly name?: string;
  readonly services: readonly ComposeService[];
  readonly networks: readonly ComposeNetwork[];
  /** Compose's interpolation against `.env`, then the environment; a problem is noted and the value read as empty. */
  readonly value: (raw: string | undefined) => string;
}

/** `KEY=value` entries of a list (`environment: [A=1]`, `labels: [a=b]`), or a mapping, as a Map. */
function pairs(shape: Shape, service: unknown, key: string): Map<string, string> {
  const list = Array.isArray((service as Record<string, unknown>)[key]) ? shape.list(service, [key]) : undefined;
  if (!list) return shape.textMap(service, [key]);
  const out = new Map<string, string>();
  list.forEach((entry, i) => {
    const text = shape.in(key).text(entry, [i], true);
    if (text === undefined) return;
    const eq = text.indexOf("=");
    out.set(eq === -1 ? text : text.slice(0, eq), eq === -1 ? "" : text.slice(eq + 1));
  });
  return out;
}

/** The service's mounts, interpolated before they are split (`${DATA:-./data}:/data`), as Compose does. */
function mounts(shape: Shape, service: unknown, value: (raw: string) => string): Mount[] {
  const list = shape.list(service, ["volumes"]) ?? [];
  const vs = shape.in("volumes");
  return list.flatMap((v, i) => {
    if (typeof v === "string") {
      const [source = "", target = "", mode = ""] = value(v).split(":");
      return target ? [{ source, target, readOnly: mode.split(",").includes("ro") }] : [];
    }
    if (!isMapping(v)) {
      vs.text(v, [], false);
      return [];
    }
    const at = vs.in(i);
    const target = value(at.text(v, ["target"]) ?? "");
    if (!target) return [];
    return [{ source: value(at.text(v, ["source"]) ?? ""), target, readOnly: at.boolean(v, ["read_only"]) === true }];
  });
}

function service(name: string, raw: unknown, note: Note, value: (raw: string) => string): ComposeService | undefined {
  const top = new Shape(note, "compose: services");
  if (!top.mapping(raw === null ? {} : raw, [])) {
    note(`compose: services.${name}: expected a mapping, got ${Array.isArray(raw) ? "a list" : "text"}; not mapped`);
    return undefined;
  }
  const s = top.in(name);
  const command = Array.isArray((raw as Record<string, unknown>).command)
    ? (s.list(raw, ["command"]) ?? []).flatMap((c, i) => s.in("command").text(c, [i], true) ?? [])
    : (s.text(raw, ["command"]) ?? "").split(/\s+/).filter(Boolean);
  const ports = (s.list(raw, ["ports"]) ?? []).flatMap((p, i) => {
    if (isMapping(p)) return [`${s.in("ports").in(i).text(p, ["published"], true) ?? ""}:${s.in("ports").in(i).text(p, ["target"], true) ?? ""}`];
    return s.in("ports").text(p, [i], true) ?? [];
  });
  const ext = (raw as Record<string, unknown>).extends;
  const user = s.text(raw, ["user"], true);
  const extendsService = typeof ext === "string" ? ext : s.text(raw, ["extends", "service"]);
  return {
    name,
    image: s.text(raw, ["image"]) ?? "",
    environment: pairs(s, raw, "environment"),
    labels: pairs(s, raw, "labels"),
    volumes: mounts(s, raw, value),
    ...(user === undefined ? {} : { user }),
    command,
    ports,
    ...(extendsService === undefined ? {} : { extends: extendsService }),
  };
}

/**
 * Read a Compose folder: the first of {@link COMPOSE_FILES} and `.env` beside it (Compose's syntax; a name
 * it does not set is looked up in `environment`, with a note), YAML merge keys resolved as Compose does.
 * A compose file that is not YAML or not a mapping is refused (exit 2); anything of the wrong type inside
 * it is a note, never an error.
 */
export function readComposeInstall(folder: ImportFolder, note: Note, environment: Lookup): ComposeInstall {
  let found: { rel: string; text: string } | undefined;
  for (const rel of COMPOSE_FILES) {
    const text = folder.readText(rel);
    if (text !== undefined) {
      found = { rel, text };
      break;
    }
  }
  if (!found) throw new CliError("bad-arguments", `No compose file in ${folder.shown} (looked for ${COMPOSE_FILES.join(", ")}).`);
  const file = folder.name(found.rel);

  const envText = folder.readText(".env");
  const fromEnvironment = new Set<string>();
  const outside: Lookup = (name) => {
    const v = environment(name);
    if (v !== undefined) fromEnvironment.add(name);
    return v;
  };
  const env = envText === undefined ? undefined : parseEnvFile(envText, outside);
  for (const p of env?.problems ?? []) note(`compose: ${folder.name(".env")} line ${p.line}: ${p.message}; not read`);
  const unset = new Set<string>();
  const lookup: Lookup = (name) => {
    if (env?.values.has(name)) return env.values.get(name);
    const v = outside(name);
    if (v === undefined) unset.add(name);
    return v;
  };

  const doc = parseDocument(found.text, { merge: true, prettyErrors: false, uniqueKeys: false });
  const error = doc.errors[0];
  if (error) throw new CliError("bad-arguments", `${file}: not valid YAML: ${escapeControl(error.message.split("\n")[0] ?? "")}`);
  let root: unknown;
  try {
    root = doc.toJS({ maxAliasCount: 1000 });
  } catch (cause) {
    throw new CliError("bad-arguments", `${file}: ${escapeControl((cause as Error).message)}`, { cause });
  }
  if (!isMapping(root)) throw new CliError("bad-arguments", `${file}: not a Compose file (expected a mapping with services:).`);
  const value = (raw: string | undefined): string => {
    if (raw === undefined) return "";
    try {
      return interpolate(raw, lookup);
    } catch (cause) {
      if (!(cause instanceof InterpolationError)) throw cause;
      note(`compose: ${JSON.stringify(raw)}: ${cause.message}; read as empty`);
      return "";
    }
  };
  const top = new Shape(note, "compose");
  const services = Object.entries(top.mapping(root, ["services"]) ?? {}).flatMap(([name, raw]) => service(name, raw, note, value) ?? []);
  const networks = Object.entries(top.mapping(root, ["networks"]) ?? {}).map(([key, raw]): ComposeNetwork => {
    const n = top.in("networks").in(key);
    const name = n.text(raw, ["name"]);
    return { key, ...(name === undefined ? {} : { name }), external: n.boolean(raw, ["external"]) === true, internal: n.boolean(raw, ["internal"]) === true };
  });
  const name = top.text(root, ["name"]);

  // Interpolate everything once up front, so what was unset or taken from the environment is known now.
  for (const s of services) for (const v of [s.image, s.user, ...s.environment.values(), ...s.labels.values()]) value(v);
  for (const n of [...fromEnvironment].sort()) note(`compose: \${${n}} is not in .env; read from this shell's environment, as Compose would`);
  for (const n of [...unset].sort()) note(`compose: \${${n}} is set neither in .env nor in the environment; read as empty, as Compose would`);
  return { file, ...(name === undefined ? {} : { name }), services, networks, value };
}
