// The spec's server settings as Immich config keys, one entry per spec field: read
// forward by `buildImmichConfig` (render.ts) and backward by `import --server`. Zod-free.
import type { ImmichFamilySpec } from "../schema/spec.js";
import type { Target } from "../secrets.js";
import { COMPOSITE_SETTINGS } from "./composite-settings.js";
import { type ConfigObject, isPlainObject } from "./config-schema.js";

/** One config leaf a spec field sets: its path in Immich's config and its value. */
export type ConfigLeaf = readonly [path: readonly string[], value: unknown];

/** A server's config as import reads it: a value, and whether it differs from that version's defaults. */
export interface ConfigReader {
  value(path: readonly string[]): unknown;
  differs(path: readonly string[]): boolean;
}

/** What a setting may read besides its field when it renders: the whole spec, the target, and the config defaults of the spec's line. */
export interface ForwardContext {
  readonly spec: ImmichFamilySpec;
  readonly target: Target;
  readonly defaults: ConfigObject;
}

/** What a setting may use besides the server's config when import reads it back: the spec read so far, and the secret placeholders. */
export interface BackContext {
  /** A value already imported (`undefined` when not). */
  get(path: readonly string[]): unknown;
  /** A secret as its `${KEY}` placeholder, recorded with what to fill it with: a secret is never imported as a value. */
  secret(key: string, what: string): string;
}

/** One spec field and the Immich config keys it sets. */
export interface ConfigSetting {
  /** The spec field, from the top of the spec. */
  readonly spec: readonly string[];
  /**
   * The config keys it sets, dotted (`*` for any queue). They also say which lines the setting exists on:
   * a line whose config defaults lack one of them renders nothing for it (the release table's lines).
   */
  readonly keys: readonly string[];
  /** The config leaves for the field's value. */
  readonly forward: (value: unknown, ctx: ForwardContext) => readonly ConfigLeaf[];
  /** The field's value from a server's config, or undefined to leave it unset (the server keeps Immich's default). */
  readonly back: (config: ConfigReader, ctx: BackContext) => unknown;
}

/** A field that is one config key as it is; imported only when the server's value differs from its defaults. */
function plain(spec: readonly string[], key: readonly string[]): ConfigSetting {
  return {
    spec,
    keys: [key.join(".")],
    forward: (value) => [[key, value]],
    back: (config) => (config.differs(key) ? config.value(key) : undefined),
  };
}

/** `immich.trashDays`: 0 turns the trash off, any other number keeps deleted assets that many days. */
const TRASH_DAYS: ConfigSetting = {
  spec: ["immich", "trashDays"],
  keys: ["trash.enabled", "trash.days"],
  forward: (days) =>
    days === 0
      ? [[["trash", "enabled"], false]]
      : [
          [["trash", "enabled"], true],
          [["trash", "days"], days],
        ],
  back: (config) => {
    if (config.value(["trash", "enabled"]) === false) return 0;
    return config.differs(["trash", "days"]) ? config.value(["trash", "days"]) : undefined;
  },
};

/** `immich.jobs`: the concurrency of each queue the spec names. */
const JOBS: ConfigSetting = {
  spec: ["immich", "jobs"],
  keys: ["job.*.concurrency"],
  forward: (jobs) => Object.entries(jobs as Record<string, number>).map(([queue, n]): ConfigLeaf => [["job", queue, "concurrency"], n]),
  back: (config) => {
    const queues = config.value(["job"]);
    const changed = Object.keys(isPlainObject(queues) ? queues : {}).filter((q) => config.differs(["job", q, "concurrency"]));
    return changed.length > 0 ? Object.fromEntries(changed.map((q) => [q, config.value(["job", q, "concurrency"])])) : undefined;
  },
};

/** Every spec field that sets Immich config keys, in the order the rendered file lists its keys. */
export const CONFIG_SETTINGS: readonly ConfigSetting[] = [
  ...COMPOSITE_SETTINGS,
  plain(["immich", "versionCheck"], ["newVersionCheck", "enabled"]),
  plain(["immich", "reverseGeocoding"], ["reverseGeocoding", "enabled"]),
  plain(["immich", "map", "enabled"], ["map", "enabled"]),
  plain(["immich", "map", "lightStyle"], ["map", "lightStyle"]),
  plain(["immich", "map", "darkStyle"], ["map", "darkStyle"]),
  TRASH_DAYS,
  plain(["immich", "userDeleteDelay"], ["user", "deleteDelay"]),
  plain(["immich", "loginPageMessage"], ["server", "loginPageMessage"]),
  plain(["immich", "templates", "welcome"], ["templates", "email", "welcomeTemplate"]),
  plain(["immich", "templates", "albumInvite"], ["templates", "email", "albumInviteTemplate"]),
  plain(["immich", "templates", "albumUpdate"], ["templates", "email", "albumUpdateTemplate"]),
  JOBS,
];

const valueAt = (o: unknown, path: readonly string[]): unknown =>
  path.reduce<unknown>((n, k) => (isPlainObject(n) && Object.hasOwn(n, k) ? n[k] : undefined), o);

function setLeaf(config: ConfigObject, [path, value]: ConfigLeaf): void {
  let node = config;
  for (const k of path.slice(0, -1)) {
    if (!isPlainObject(node[k])) node[k] = {};
    node = node[k] as ConfigObject;
  }
  node[path[path.length - 1] as string] = value;
}

/** Whether a line's config (its defaults) has every key of a setting; `*` stands for any one key. */
function lineHas(defaults: ConfigObject, setting: ConfigSetting): boolean {
  const has = (node: unknown, path: readonly string[]): boolean => {
    if (path.length === 0) return true;
    if (!isPlainObject(node)) return false;
    const [head, ...rest] = path as [string, ...string[]];
    return head === "*" ? Object.values(node).some((n) => has(n, rest)) : Object.hasOwn(node, head) && has(node[head], rest);
  };
  return setting.keys.every((key) => has(defaults, key.split(".")));
}

/** Write the spec's settings of the table into `config`, for the target and the line whose config `defaults` are given; a field left unset writes nothing. */
export function applyConfigSettings(config: ConfigObject, ctx: ForwardContext): void {
  for (const setting of CONFIG_SETTINGS) {
    const value = valueAt(ctx.spec, setting.spec);
    if (value === undefined || !lineHas(ctx.defaults, setting)) continue;
    for (const leaf of setting.forward(value, ctx)) setLeaf(config, leaf);
  }
}

/**
 * Read every setting of the table back from a server's config, in the table's order: each field import
 * sets, with its value. A setting sees the values read before it (`hosts.mobile` the web host).
 */
export function readConfigSettings(config: ConfigReader, ctx: BackContext): [spec: readonly string[], value: unknown][] {
  const out: [readonly string[], unknown][] = [];
  const read: BackContext = {
    get: (path) => {
      const found = out.find(([spec]) => spec.every((k, i) => path[i] === k));
      return found ? valueAt(found[1], path.slice(found[0].length)) : ctx.get(path);
    },
    secret: (key, what) => ctx.secret(key, what),
  };
  for (const setting of CONFIG_SETTINGS) {
    const value = setting.back(config, read);
    if (value !== undefined) out.push([setting.spec, value]);
  }
  return out;
}

/** A reader of a server's config against the defaults of its version. */
export function configReader(config: ConfigObject, defaults: ConfigObject): ConfigReader {
  return {
    value: (path) => valueAt(config, path),
    differs: (path) => JSON.stringify(valueAt(config, path)) !== JSON.stringify(valueAt(defaults, path)),
  };
}
