/** One broken reference inside a compose file. */
export interface CheckProblem {
  /** Dotted path of the referring field, e.g. `services.immich-server.networks.frontend`. */
  readonly path: string;
  readonly message: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const keysOf = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : isObj(v) ? Object.keys(v) : []);

/** A short-syntax volume's source when it names a volume (not a host path). */
function namedVolumeSource(spec: string): string | undefined {
  const source = spec.split(":")[0] ?? "";
  if (!spec.includes(":") || /^[./~]/.test(source) || source.startsWith("$")) return undefined;
  return source;
}

/**
 * Every internal reference of a parsed compose file resolves: service networks are declared, named
 * volumes are declared, `depends_on`, `extends` (same file), `network_mode: service:x` and
 * `volumes_from` name existing services.
 */
export function checkComposeReferences(file: unknown): CheckProblem[] {
  const problems: CheckProblem[] = [];
  if (!isObj(file)) return [{ path: "", message: "a compose file is a mapping" }];
  const services = isObj(file.services) ? file.services : {};
  const networks = new Set(keysOf(file.networks));
  const volumes = new Set(keysOf(file.volumes));
  const serviceNames = new Set(Object.keys(services));
  for (const [name, svc] of Object.entries(services)) {
    if (!isObj(svc)) continue;
    const at = `services.${name}`;
    for (const n of keysOf(svc.networks)) {
      if (!networks.has(n)) problems.push({ path: `${at}.networks.${n}`, message: `network ${n} is not declared under networks` });
    }
    if (svc.networks !== undefined && svc.network_mode !== undefined)
      problems.push({ path: `${at}.network_mode`, message: "network_mode and networks cannot be combined" });
    const vols = Array.isArray(svc.volumes) ? svc.volumes : [];
    vols.forEach((v, i) => {
      const source = typeof v === "string" ? namedVolumeSource(v) : isObj(v) && v.type === "volume" && typeof v.source === "string" ? v.source : undefined;
      if (source !== undefined && !volumes.has(source))
        problems.push({ path: `${at}.volumes[${i}]`, message: `volume ${source} is not declared under volumes` });
    });
    for (const dep of keysOf(svc.depends_on)) {
      if (!serviceNames.has(dep)) problems.push({ path: `${at}.depends_on.${dep}`, message: `service ${dep} does not exist` });
      if (dep === name) problems.push({ path: `${at}.depends_on.${dep}`, message: "a service cannot depend on itself" });
    }
    const ext = svc.extends;
    const extService = typeof ext === "string" ? ext : isObj(ext) && ext.file === undefined && typeof ext.service === "string" ? ext.service : undefined;
    if (extService !== undefined && !serviceNames.has(extService)) problems.push({ path: `${at}.extends`, message: `service ${extService} does not exist` });
    if (typeof svc.network_mode === "string" && svc.network_mode.startsWith("service:")) {
      const target = svc.network_mode.slice("service:".length);
      if (!serviceNames.has(target)) problems.push({ path: `${at}.network_mode`, message: `service ${target} does not exist` });
    }
    for (const from of Array.isArray(svc.volumes_from) ? svc.volumes_from : []) {
      const target = typeof from === "string" ? (from.split(":")[0] ?? "") : "";
      if (!target.startsWith("container:") && !serviceNames.has(target))
        problems.push({ path: `${at}.volumes_from`, message: `service ${target} does not exist` });
    }
  }
  return problems;
}
