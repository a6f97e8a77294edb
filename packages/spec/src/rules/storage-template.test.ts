import { describe, expect, it } from "vitest";
import { BASE_SPEC, diagnose, edit } from "../../test/helpers.js";

const template = (t: string) => edit(BASE_SPEC, '  template: "{{y}}/{{MM}}/{{filename}}"', `  template: "${t}"`);

describe("rule storage-template", () => {
  it.each([
    "{{y}}/{{y}}-{{MM}}-{{dd}}/{{filename}}",
    "{{y}}/{{#if album}}{{album}}{{else}}Other{{/if}}/{{assetIdShort}}.{{ext}}",
    "{{make}}/{{model}}/{{lensModel}}/{{HH}}{{mm}}{{ss}}{{SSS}}",
  ])("accepts %s", (t) => {
    expect(diagnose(template(t))).toEqual([]);
  });
  it("points at an unknown token inside the template, with a suggestion", () => {
    expect(diagnose(template("{{yyyy}}/{{MM}}/{{filename}}"))).toEqual([
      "spec.yaml:15:14: storageTemplate.template: unknown token {{yyyy}} (did you mean {{yy}}?) [storage-template]",
    ]);
  });
  it("rejects conditions other than album and unbalanced blocks", () => {
    expect(diagnose(template("{{#if make}}{{make}}{{/if}}/{{/if}}{{#if album}}{{album}}"))).toEqual([
      "spec.yaml:15:14: storageTemplate.template: expected {{#if album}}, the only condition Immich supports, got {{#if make}} [storage-template]",
      "spec.yaml:15:42: storageTemplate.template: {{/if}} without an opening {{#if album}} [storage-template]",
      "spec.yaml:15:13: storageTemplate.template: {{#if album}} is never closed with {{/if}} [storage-template]",
    ]);
  });
});
