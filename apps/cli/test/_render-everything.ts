import { checkComposeReferences, renderCompose } from "@family/immich-compose";
import { renderKubernetes } from "@family/immich-k8s";
import { envFileTemplate, type ImmichFamilySpec, oauthRedirectUris, renderImmichConfigTemplate, secretKeys, templateKeys } from "@family/immich-spec";
import { expect } from "vitest";
import { parse, parseAllDocuments } from "yaml";

/** Every renderer and command function of a validated spec, on each declared target; throws on the first failure. */
export function renderEverything(spec: ImmichFamilySpec): void {
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
