import { parseSpec } from "@family/immich-spec";
import fc from "fast-check";
import { describe, it } from "vitest";
import { stringify } from "yaml";
import { renderEverything, validSpecInput } from "./helpers.js";

// Fixed seeds: a failure reproduces, and CI runs the same cases every time. A case costs about
// 30 ms of CPU (parse, both renderers, the YAML read back): 2,000 cases are about a minute on one
// core. PROPERTY_RUNS=<n> runs fewer (or more) while working on a renderer.
const SEED = 20_261_129;
const RUNS = Number(process.env.PROPERTY_RUNS ?? 2000);
const TIMEOUT = 600_000;

/** Validate the text, then render it every way. */
function validateAndRender(text: string): void {
  const result = parseSpec(text, "generated.yaml");
  if (!result.ok)
    throw new Error(`a generated spec does not validate:\n${result.errors.map((e) => `${e.line}:${e.column} ${e.path}: ${e.message}`).join("\n")}\n${text}`);
  renderEverything(result.value);
}

/** Keys JavaScript objects own (or take for their prototype), each tried as a key the user chose. */
const PROTOTYPE_KEYS = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "isPrototypeOf", "tostring"] as const;
/** The maps of a spec keyed by user input, with a value each accepts. */
const USER_MAPS: readonly [path: readonly string[], value: unknown][] = [
  [["immich", "jobs"], 2],
  [["immich", "config"], {}],
  [["members"], { name: "Proto", email: "proto@example.com" }],
  [["targets", "kubernetes", "database", "parameters"], "on"],
  [["targets", "kubernetes", "database", "backup", "pluginParameters"], "x"],
  [["targets", "kubernetes", "worker", "nodeSelector"], "x"],
  [["targets", "compose", "services"], "proto"],
];

/** `input` with `key` set in the map at `path` (made when missing), as an own key even when it is `__proto__`. */
function withKey(input: Record<string, unknown>, path: readonly string[], key: string, value: unknown): Record<string, unknown> {
  const out = structuredClone(input);
  let node = out;
  for (const k of path) {
    if (typeof node[k] !== "object" || node[k] === null) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

describe("every spec that validates renders", () => {
  it(
    "the generator's specs validate and every renderer and command function succeeds on each",
    () => {
      fc.assert(
        fc.property(validSpecInput, (input) => validateAndRender(stringify(input))),
        { seed: SEED, numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    "a spec written as flow YAML or JSON renders the same way",
    () => {
      fc.assert(
        fc.property(validSpecInput, (input) => validateAndRender(JSON.stringify(input, null, 1))),
        { seed: SEED + 1, numRuns: Math.max(1, Math.round(RUNS / 6)) },
      );
    },
    TIMEOUT,
  );

  it(
    "a key named like an Object.prototype member in any map keyed by user input: refused by a rule, or validated and rendered",
    () => {
      fc.assert(
        fc.property(validSpecInput, fc.constantFrom(...PROTOTYPE_KEYS), fc.constantFrom(...USER_MAPS), (input, key, [path, value]) => {
          const text = stringify(withKey(input, path, key, value));
          const result = parseSpec(text, "generated.yaml");
          if (result.ok) renderEverything(result.value);
        }),
        { seed: SEED + 2, numRuns: Math.max(1, Math.round(RUNS / 6)) },
      );
    },
    TIMEOUT,
  );
});
