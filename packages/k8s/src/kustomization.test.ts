import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { secretKeys } from "@family/immich-spec";
import { beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { drillObjects, exampleSpec, type K8sObject, objects, specWith } from "../test/helpers.js";
import { renderKubernetes, renderRestoreDrill } from "./render.js";

// kubectl is a test dependency (.ci/run installs it): without it these tests fail, they never skip.
beforeAll(() => {
  try {
    execFileSync("kubectl", ["version", "--client"], { stdio: "ignore" });
  } catch (cause) {
    throw new Error("kubectl is needed to test the rendered folder with `kubectl kustomize`: install it (Debian: kubernetes-client; .ci/run does)", { cause });
  }
});

/** `kubectl kustomize` of the rendered folder (`files`), with the env file filled as a user would. */
function build(spec: ReturnType<typeof exampleSpec>, env: string | undefined, files = renderKubernetes(spec)): K8sObject[] {
  const dir = mkdtempSync(join(tmpdir(), "kustomize-"));
  for (const f of files) writeFileSync(join(dir, f.path), f.content);
  if (env !== undefined) writeFileSync(join(dir, "secrets.env"), env);
  const out = execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return parseAllDocuments(out).map((d) => d.toJS() as K8sObject);
}

describe("kubectl kustomize", () => {
  it.each(["ponder", "family"])("builds %s's folder into the rendered objects plus the generated Secret", (name) => {
    const spec = exampleSpec(name);
    const keys = secretKeys(spec, "kubernetes").map((k) => k.key);
    const built = build(spec, keys.map((k) => `${k}=value-of-${k}`).join("\n"));
    const rendered = objects(spec);
    expect(built).toHaveLength(rendered.length + 1);
    const secret = built.find((o) => o.kind === "Secret");
    expect(secret?.metadata).toEqual({ name: `${spec.metadata.name}-secrets`, namespace: spec.targets.kubernetes?.namespace });
    expect(Object.keys(secret?.data ?? {}).sort()).toEqual([...keys].sort());
    for (const o of built.filter((x) => x.kind === "PersistentVolume")) expect(o.metadata.namespace).toBeUndefined();
  });

  it("fails loudly when the env file is missing", () => {
    expect(() => build(exampleSpec("ponder"), undefined)).toThrow(/secrets\.env/);
  });

  it("needs no env file for an existing Secret", () => {
    const built = build(
      specWith("ponder", (s) => (s.targets.kubernetes.secrets = { existingSecret: "keys" })),
      undefined,
    );
    expect(built.some((o) => o.kind === "Secret")).toBe(false);
  });
});

describe("kubectl kustomize of the restore drill's folder", () => {
  it("builds exactly the drill's objects, with no Secret and nothing of the live install", () => {
    const spec = exampleSpec("family");
    const options = { snapshots: { backup: "b", storage: "b" } };
    const byName = (list: K8sObject[]) => list.map((o) => [`${o.kind}/${o.metadata.name}`, o] as const).sort(([a], [b]) => a.localeCompare(b));
    const built = build(spec, undefined, renderRestoreDrill(spec, options).files);
    expect(byName(built)).toEqual(byName(drillObjects(spec, options).map((o) => o.object)));
  });
});
