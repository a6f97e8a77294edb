import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BASE_SPEC, edit } from "../../test/helpers.js";
import { parseSpec } from "../loader.js";
import type { ImmichFamilySpec } from "../schema/spec.js";
import { specRules } from "./spec-rules.js";

const examples = new URL("../../../../examples/", import.meta.url);
const specs = [
  BASE_SPEC,
  ...readdirSync(examples)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => readFileSync(new URL(f, examples), "utf8")),
].map((text) => {
  const result = parseSpec(text);
  if (!result.ok) throw new Error("a fixture spec does not validate");
  return result.value;
});

/** The spec as a rule may see it: reading a section it does not declare throws. */
const onlySections = (spec: ImmichFamilySpec, needs: readonly string[]) =>
  new Proxy(spec, {
    get(target, key, receiver) {
      if (typeof key === "string" && !needs.includes(key)) throw new Error(`reads ${key}, which it does not declare in needs`);
      return Reflect.get(target, key, receiver);
    },
  });

/** For each rule, an edit of BASE_SPEC that the rule reports. */
const broken: Record<string, string> = {
  "member-emails": edit(BASE_SPEC, "    email: bob@smith.family", "    email: ann@smith.family"),
  "member-partners": edit(BASE_SPEC, "    admin: true", "    admin: true\n    partners: [bobb]"),
  "library-owner": edit(BASE_SPEC, "    owner: ann", "    owner: amm"),
  "import-paths": edit(BASE_SPEC, "    path: /mnt/photos", "    path: /mnt/photos\n    importPaths: [../elsewhere]"),
  "exclusion-patterns": edit(BASE_SPEC, '["**/raw/**"]', '["[a"]'),
  "album-share": edit(BASE_SPEC, "{ member: bob, role: editor }", "{ member: bobby, role: editor }"),
  "library-targets": edit(BASE_SPEC, "      photos: { hostPath: /srv/photos }", "      photo: { hostPath: /srv/photos }"),
  "oauth-provider": edit(BASE_SPEC, "    preset: google", "    preset: generic"),
  "oauth-role-claim": edit(BASE_SPEC, "    preset: google", "    preset: entra\n    tenantId: t\n    roleClaim: roles"),
  "mobile-redirect-host": edit(BASE_SPEC, "    clientId: ${OAUTH_CLIENT_ID}", "    clientId: ${OAUTH_CLIENT_ID}\n    mobileRedirectHost: relay.smith.family"),
  "storage-template": edit(BASE_SPEC, "{{MM}}", "{{yyyy}}"),
  "vector-extension": edit(BASE_SPEC, "  vectorVersion: 0.3.0", "  vectorVersion: 0.2.0"),
  "compose-superuser": edit(BASE_SPEC, "  vectorVersion: 0.3.0", "  vectorVersion: 0.3.0\n  superuser: false"),
  "compose-paths": edit(BASE_SPEC, "      media: /srv/immich", "      media: /srv/immich\n      database: /srv/immich/db"),
  "compose-library-binds": edit(BASE_SPEC, "      photos: { hostPath: /srv/photos }", "      photos: { hostPath: / }"),
  "server-environment": edit(BASE_SPEC, "  version: v2.7.5", "  version: v2.7.5\n  environment: { TZ: UTC }"),
  "immich-cron": edit(
    BASE_SPEC,
    '    exclusionPatterns: ["**/raw/**"]',
    '    exclusionPatterns: ["**/raw/**"]\n    rescan: { by: immich, cron: "0 25 * * *" }',
  ),
  "immich-scan-scope": edit(
    edit(
      edit(BASE_SPEC, '    exclusionPatterns: ["**/raw/**"]', '    exclusionPatterns: ["**/raw/**"]\n    rescan: { by: immich, cron: "0 3 * * *" }'),
      "        - { member: bob, role: editor }",
      "        - { member: bob, role: editor }\n  scans:\n    owner: bob\n    path: /mnt/scans",
    ),
    "      photos: { hostPath: /srv/photos }",
    "      photos: { hostPath: /srv/photos }\n      scans: { hostPath: /srv/scans }",
  ),
  "unused-field": edit(BASE_SPEC, "  vectorVersion: 0.3.0", "  vectorVersion: 0.3.0\n  password: ${PG_PASSWORD}"),
  "immich-config": edit(BASE_SPEC, "  version: v2.7.5", "  version: v2.7.5\n  config: { ffmpeg: { crff: 28 } }"),
  "kubernetes-backup": edit(
    BASE_SPEC,
    "  kubernetes:\n",
    "  kubernetes:\n    database:\n      backup:\n        schedule: '0 0 3 * * *'\n        method: plugin\n",
  ),
  placeholders: edit(BASE_SPEC, '"{{y}}/{{MM}}/{{filename}}"', '"{{y}}/${HOME}/{{filename}}"'),
  "reserved-key": edit(BASE_SPEC, "  kubernetes:\n", "  kubernetes:\n    worker:\n      nodeSelector: { constructor: a }\n"),
};

describe("specRules", () => {
  it("have unique names", () => {
    expect(new Set(specRules.map((r) => r.name)).size).toBe(specRules.length);
  });

  it.each(specRules.map((r) => [r.name] as const))("%s reports under its own name as code", (name) => {
    const text = broken[name];
    if (text === undefined) throw new Error(`no broken spec for rule ${name}`);
    const result = parseSpec(text);
    const codes = [...(result.ok ? [] : result.errors), ...result.warnings].map((d) => d.code);
    expect(codes).toContain(name);
  });

  it("runs every rule file in this folder, each once, under its file's name", () => {
    const files = readdirSync(new URL(".", import.meta.url)).filter(
      (f) => f.endsWith(".ts") && !f.startsWith("_") && !f.endsWith(".test.ts") && f !== "index.ts" && f !== "spec-rules.ts",
    );
    expect(specRules.map((r) => `${r.name}.ts`).sort()).toEqual(files.sort());
  });

  it.each(specRules.filter((r) => r.needs.length > 0).map((r) => [r.name, r] as const))("%s reads only the sections it needs", (_, rule) => {
    for (const spec of specs) expect(() => rule.check(onlySections(spec, rule.needs))).not.toThrow();
  });

  it.each(specRules.filter((r) => r.needs.length === 0).map((r) => [r.name, r] as const))(
    "%s, which needs no section, runs on any subset of them",
    (_, rule) => {
      for (const spec of specs) {
        for (const key of Object.keys(spec)) {
          const { [key]: _dropped, ...rest } = spec as Record<string, unknown>;
          expect(() => rule.check(rest as unknown as ImmichFamilySpec)).not.toThrow();
        }
      }
    },
  );
});
