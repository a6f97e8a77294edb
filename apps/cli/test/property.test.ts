import { checkComposeReferences, renderCompose } from "@family/immich-compose";
import { renderKubernetes } from "@family/immich-k8s";
import { envFileTemplate, oauthRedirectUris, parseSpec, renderImmichConfigTemplate, secretKeys, templateKeys } from "@family/immich-spec";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments, stringify } from "yaml";
import { validSpecInput } from "./_spec-arbitrary.js";

// Fixed seeds: a failure reproduces, and CI runs the same cases every time. A case costs about
// 30 ms of CPU (parse, both renderers, the YAML read back); the run counts fit 2 cores in seconds.
const SEED = 20_261_129;
const TIMEOUT = 180_000;

/** Every renderer and command function of a validated spec, on each declared target. */
function renderEverything(text: string): void {
  const result = parseSpec(text, "generated.yaml");
  if (!result.ok) throw new Error(`a generated spec does not validate:\n${result.errors.map((e) => `${e.line}:${e.column} ${e.path}: ${e.message}`).join("\n")}\n${text}`);
  const spec = result.value;
  for (const target of ["kubernetes", "compose"] as const) {
    if (spec.targets[target] === undefined) continue;
    const template = renderImmichConfigTemplate(spec, target);
    const keys = secretKeys(spec, target);
    // The config template's placeholders are all secrets the env file lists.
    expect(templateKeys(template).filter((k) => !keys.some((s) => s.key === k))).toEqual([]);
    parse(template);
    envFileTemplate(["generated"], keys);
    const files = target === "kubernetes" ? renderKubernetes(spec, { toolVersion: "0.1.0" }) : renderCompose(spec, { toolVersion: "0.1.0" });
    for (const file of files.filter((f) => f.path.endsWith(".yaml"))) {
      for (const doc of parseAllDocuments(file.content)) expect(doc.errors).toEqual([]);
    }
    if (target === "compose") expect(checkComposeReferences(parse(files.find((f) => f.path === "compose.yaml")?.content ?? ""))).toEqual([]);
  }
  oauthRedirectUris(spec);
}

describe("every spec that validates renders", () => {
  it("the generator's specs validate and every renderer and command function succeeds on each", () => {
    fc.assert(
      fc.property(validSpecInput, (input) => renderEverything(stringify(input))),
      { seed: SEED, numRuns: 300 },
    );
  }, TIMEOUT);

  it("a spec written as flow YAML or JSON renders the same way", () => {
    fc.assert(
      fc.property(validSpecInput, (input) => renderEverything(JSON.stringify(input, null, 1))),
      { seed: SEED + 1, numRuns: 50 },
    );
  }, TIMEOUT);
});
