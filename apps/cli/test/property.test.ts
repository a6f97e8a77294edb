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
});
