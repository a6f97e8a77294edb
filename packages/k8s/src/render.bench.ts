import { bench, describe } from "vitest";
import { exampleSpec } from "../test/helpers.js";
import { renderKubernetes } from "./render.js";

// In-process render time of the largest example; the cold CLI comparison lives in the CLI's bench.
describe("renderKubernetes", () => {
  const family = exampleSpec("family");
  bench("examples/family.yaml", () => {
    renderKubernetes(family);
  });
});
