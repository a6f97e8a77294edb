import type { Resources } from "@family/immich-spec";
import type { ResourceSet } from "./compose-model.js";

const DECIMAL: Record<string, number> = { "": 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const BINARY: Record<string, string> = { Ki: "k", Mi: "m", Gi: "g", Ti: "t", Pi: "p" };

function split(quantity: string): [number, string] {
  const m = /^([0-9]+(?:\.[0-9]+)?)([a-zA-Z]*)$/.exec(quantity);
  if (!m?.[1]) throw new Error(`invalid quantity ${quantity}`);
  return [Number(m[1]), m[2] ?? ""];
}

/** A Kubernetes CPU quantity (`500m`, `2`) as Compose's `cpus`, a number of cores. */
export function composeCpus(quantity: string): number {
  const [n, unit] = split(quantity);
  const scale = DECIMAL[unit] ?? (unit in BINARY ? 1024 ** (Object.keys(BINARY).indexOf(unit) + 1) : 1);
  return Number((n * scale).toFixed(3));
}

/** A Kubernetes memory quantity as Compose's `memory`: binary units as Docker writes them (`512Mi` → `512m`), others in bytes. */
export function composeMemory(quantity: string): string {
  const [n, unit] = split(quantity);
  const binary = BINARY[unit];
  if (binary) return `${n}${binary}`;
  if (unit === "Ei") return String(Math.ceil(n * 1024 ** 6));
  return String(Math.ceil(n * (DECIMAL[unit] ?? 1)));
}

function set(list: { cpu?: string | undefined; memory?: string | undefined } | undefined): ResourceSet | undefined {
  if (!list || (list.cpu === undefined && list.memory === undefined)) return undefined;
  return { ...(list.cpu === undefined ? {} : { cpus: composeCpus(list.cpu) }), ...(list.memory === undefined ? {} : { memory: composeMemory(list.memory) }) };
}

/** The spec's requests and limits as Compose `deploy.resources`: requests become reservations. */
export function composeResources(resources: Resources | undefined): { limits?: ResourceSet; reservations?: ResourceSet } {
  const limits = set(resources?.limits);
  const reservations = set(resources?.requests);
  return { ...(limits ? { limits } : {}), ...(reservations ? { reservations } : {}) };
}
