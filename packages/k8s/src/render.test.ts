import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { exampleSpec, specWith } from "./_testing.js";
import { renderKubernetes } from "./render.js";

const goldenDir = new URL("../test/golden/", import.meta.url);

describe("renderKubernetes", () => {
  it("is deterministic", () => {
    expect(renderKubernetes(exampleSpec("family"))).toEqual(renderKubernetes(exampleSpec("family")));
  });

  it("writes one file per component, the kustomization, the secrets example and the README", () => {
    expect(renderKubernetes(exampleSpec("ponder")).map((f) => f.path)).toEqual([
      "namespace.yaml",
      "database.yaml",
      "redis.yaml",
      "machine-learning.yaml",
      "upload.yaml",
      "library-fotos.yaml",
      "server.yaml",
      "ingress.yaml",
      "worker.yaml",
      "network-policies.yaml",
      "kustomization.yaml",
      "secrets.env.example",
      "README.md",
    ]);
  });

  it("refers to an existing Secret instead of generating one", () => {
    const files = renderKubernetes(specWith("family", (s) => (s.targets.kubernetes.secrets = { existingSecret: "photos-keys" })));
    const k = parse(files.find((f) => f.path === "kustomization.yaml")?.content ?? "");
    expect(k.secretGenerator).toBeUndefined();
    const all = files.map((f) => f.content).join("\n");
    expect(all).toContain("name: photos-keys");
    expect(all).not.toContain("rincewind-secrets");
    expect(files.find((f) => f.path === "secrets.env.example")?.content).toContain("existing Secret photos-keys");
  });

  it("names the spec's env file in the secret generator", () => {
    const files = renderKubernetes(specWith("family", (s) => (s.targets.kubernetes.secrets = { envFile: "../secrets/photos.env" })));
    expect(parse(files.find((f) => f.path === "kustomization.yaml")?.content ?? "").secretGenerator[0].envs).toEqual(["../secrets/photos.env"]);
  });

  it("refuses a spec without a Kubernetes target", () => {
    expect(() => renderKubernetes(exampleSpec("truenas"))).toThrow(/no targets\.kubernetes/);
  });
});

// Reviewed golden folders; regenerate with UPDATE_GOLDEN=1 and review the diff line by line.
describe.each(["ponder", "family"])("golden %s", (name) => {
  const dir = new URL(`${name}/`, goldenDir);
  const files = renderKubernetes(exampleSpec(name));
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(dir, { recursive: true });
    for (const f of files) writeFileSync(new URL(f.path, dir), f.content);
  }

  it("renders exactly the reviewed files", () => {
    expect(existsSync(dir)).toBe(true);
    expect(files.map((f) => f.path).sort()).toEqual(readdirSync(dir).sort());
    for (const f of files) expect(f.content, f.path).toBe(readFileSync(new URL(f.path, dir), "utf8"));
  });
});
