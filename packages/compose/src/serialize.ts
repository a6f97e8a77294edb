import { Document, isMap, isScalar, isSeq, Scalar } from "yaml";
import type { ComposeFile } from "./compose-model.js";

const TOP_ORDER = ["name", "services", "networks", "volumes"];
const SERVICE_ORDER = [
  "image",
  "container_name",
  "profiles",
  "user",
  "entrypoint",
  "command",
  "restart",
  "depends_on",
  "env_file",
  "environment",
  "volumes",
  "devices",
  "device_cgroup_rules",
  "group_add",
  "security_opt",
  "cap_drop",
  "cap_add",
  "read_only",
  "tmpfs",
  "shm_size",
  "deploy",
  "network_mode",
  "networks",
  "ports",
  "healthcheck",
  "labels",
];

function ordered<T extends object>(obj: T, order: readonly string[]): T {
  const keys = Object.keys(obj).sort((a, b) => rank(order, a) - rank(order, b) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.map((k) => [k, (obj as Record<string, unknown>)[k]])) as T;
}

function rank(order: readonly string[], key: string): number {
  const i = order.indexOf(key);
  return i === -1 ? order.length : i;
}

/**
 * `compose.yaml` text: top-level and service keys in a canonical order whatever order the model was
 * built in; services, networks and volumes keep the order the renderer chose. YAML 1.1 quoting, so
 * strings such as `no` and `3106:3202` stay strings for every Compose implementation.
 */
export function serializeCompose(file: ComposeFile, header = ""): string {
  const services = Object.fromEntries(Object.entries(file.services).map(([k, s]) => [k, ordered(s, SERVICE_ORDER)]));
  const doc = new Document(ordered({ ...file, services }, TOP_ORDER), { version: "1.1" });
  // A service's `uid:gid` and `host:container` read as strings in any YAML version when quoted.
  const serviceNodes = doc.get("services");
  for (const service of isMap(serviceNodes) ? serviceNodes.items : []) {
    if (!isMap(service.value)) continue;
    for (const pair of service.value.items) {
      if (!isScalar(pair.key) || (pair.key.value !== "user" && pair.key.value !== "ports")) continue;
      const values = isSeq(pair.value) ? pair.value.items : [pair.value];
      for (const v of values) if (isScalar(v)) v.type = Scalar.QUOTE_DOUBLE;
    }
  }
  const body = doc.toString({ lineWidth: 0, indent: 2, indentSeq: true, directives: false });
  return header + body;
}
