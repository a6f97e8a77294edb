/** A typed subset of the Compose specification: the parts this renderer writes. */

export type Restart = "no" | "always" | "unless-stopped" | "on-failure";

export type DependsOnCondition = "service_started" | "service_healthy" | "service_completed_successfully";

export interface Healthcheck {
  readonly test: readonly string[];
  readonly interval?: string;
  readonly timeout?: string;
  readonly retries?: number;
  readonly start_period?: string;
}

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

export interface ComposeResources {
  readonly limits?: ResourceSet;
  readonly reservations?: ResourceSet & { readonly devices?: readonly DeviceReservation[] };
}

export interface ComposeService {
  readonly image: string;
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
  readonly shm_size?: string;
  readonly deploy?: { readonly resources: ComposeResources };
  readonly network_mode?: string;
  readonly networks?: readonly string[];
  readonly ports?: readonly string[];
  readonly healthcheck?: Healthcheck;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface ComposeNetwork {
  readonly name: string;
  readonly external?: boolean;
  readonly internal?: boolean;
}

export interface ComposeVolume {
  readonly name?: string;
}

export interface ComposeFile {
  readonly name: string;
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly networks: Readonly<Record<string, ComposeNetwork>>;
  readonly volumes?: Readonly<Record<string, ComposeVolume>>;
}

/** The parts of a service a hardware profile adds. */
export type DeviceProfile = Pick<ComposeService, "devices" | "device_cgroup_rules" | "group_add" | "security_opt" | "deploy" | "volumes">;
