/** A typed subset of the Compose specification: the parts this renderer writes. */

/** A service's `restart` policy. */
export type Restart = "no" | "always" | "unless-stopped" | "on-failure";

/** What a `depends_on` entry waits for. */
export type DependsOnCondition = "service_started" | "service_healthy" | "service_completed_successfully";

/** A service's `healthcheck`: the command, and how often and how long it runs. */
export interface Healthcheck {
  readonly test: readonly string[];
  readonly interval?: string;
  readonly timeout?: string;
  readonly retries?: number;
  readonly start_period?: string;
}

/** A device reserved under `deploy.resources.reservations.devices` (GPUs). */
export interface DeviceReservation {
  readonly driver: string;
  readonly count: number | "all";
  readonly capabilities: readonly string[];
}

/** CPU cores and memory (Docker units, e.g. `512m`, or bytes) of `deploy.resources`. */
export interface ResourceSet {
  readonly cpus?: number;
  readonly memory?: string;
}

/** A service's `deploy.resources`: limits, and reservations with devices. */
export interface ComposeResources {
  readonly limits?: ResourceSet;
  readonly reservations?: ResourceSet & { readonly devices?: readonly DeviceReservation[] };
}

/** One service of compose.yaml, as this renderer writes it. */
export interface ComposeService {
  readonly image: string;
  readonly container_name?: string;
  /** Started only when one of these profiles is active (`docker compose --profile drill …`). */
  readonly profiles?: readonly string[];
  readonly user?: string;
  readonly entrypoint?: readonly string[];
  readonly command?: readonly string[];
  readonly restart?: Restart;
  readonly depends_on?: Readonly<Record<string, { readonly condition: DependsOnCondition; readonly restart?: boolean }>>;
  readonly env_file?: readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
  /** Short syntax: `source:target[:ro]`. */
  readonly volumes?: readonly string[];
  readonly devices?: readonly string[];
  readonly device_cgroup_rules?: readonly string[];
  readonly group_add?: readonly string[];
  readonly security_opt?: readonly string[];
  readonly cap_drop?: readonly string[];
  readonly cap_add?: readonly string[];
  readonly read_only?: boolean;
  /** Short syntax: `path[:options]`, e.g. `/tmp:size=64m`. */
  readonly tmpfs?: readonly string[];
  readonly shm_size?: string;
  readonly deploy?: { readonly resources: ComposeResources };
  readonly network_mode?: string;
  readonly networks?: readonly string[];
  readonly ports?: readonly string[];
  readonly healthcheck?: Healthcheck;
  readonly labels?: Readonly<Record<string, string>>;
}

/** A network of compose.yaml: its Docker name, and whether it is external or internal (no egress). */
export interface ComposeNetwork {
  readonly name: string;
  readonly external?: boolean;
  readonly internal?: boolean;
}

/** A named volume of compose.yaml. */
export interface ComposeVolume {
  readonly name?: string;
  readonly external?: boolean;
}

/** The whole compose.yaml: project name, services, networks and named volumes. */
export interface ComposeFile {
  readonly name: string;
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly networks: Readonly<Record<string, ComposeNetwork>>;
  readonly volumes?: Readonly<Record<string, ComposeVolume>>;
}

/** The parts of a service a hardware profile adds. */
export type DeviceProfile = Pick<ComposeService, "devices" | "device_cgroup_rules" | "group_add" | "security_opt" | "deploy" | "volumes">;
