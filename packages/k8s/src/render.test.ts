import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { exampleSpec, specWith, barmanPluginBackup } from "../test/helpers.js";
import { renderKubernetes, renderRestoreDrill } from "./render.js";

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
    const files = renderKubernetes(specWith("family", (s) => (s.targets.kubernetes.secrets = { envFile: "secrets/photos.env" })));
    expect(parse(files.find((f) => f.path === "kustomization.yaml")?.content ?? "").secretGenerator[0].envs).toEqual(["secrets/photos.env"]);
  });

  it("tags the worker image with this package's version unless told another", () => {
    const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    const worker = (files: { path: string; content: string }[]) => files.find((f) => f.path === "worker.yaml")?.content ?? "";
    expect(worker(renderKubernetes(exampleSpec("ponder")))).toContain(`image: ghcr.io/immich-family/immich-family:${version}\n`);
    expect(worker(renderKubernetes(exampleSpec("ponder"), { toolVersion: "9.9.9" }))).toContain("image: ghcr.io/immich-family/immich-family:9.9.9\n");
  });

  it("refuses a spec without a Kubernetes target", () => {
    expect(() => renderKubernetes(exampleSpec("truenas"))).toThrow(/no targets\.kubernetes/);
  });
});

// Reviewed golden folders, rendered with a fixed tool version so a release does not change them;
// update with `pnpm --filter @family/immich-k8s test -- -u` and review the diff line by line.
describe.each(["ponder", "family"])("golden %s", (name) => {
  const files = renderKubernetes(exampleSpec(name), { toolVersion: "0.0.0-golden" });

  it("the golden folder holds exactly the rendered files", () => {
    expect(readdirSync(new URL(`${name}/`, goldenDir)).sort()).toEqual(files.map((f) => f.path).sort());
  });

  it.each(files.map((f) => [f.path, f.content] as const))("%s matches its reviewed golden", async (path, content) => {
    await expect(content).toMatchFileSnapshot(`../test/golden/${name}/${path}`);
  });
});

// The restore drill's folder, rendered on demand: by volume snapshot (family) and through the Barman Cloud plugin (ponder).
const drills = {
  family: renderRestoreDrill(exampleSpec("family"), {
    toolVersion: "0.0.0-golden",
    snapshots: { backup: "rincewind-postgres-backup-20261205030000", storage: "rincewind-postgres-backup-20261205030000" },
  }).files,
  "ponder-plugin": renderRestoreDrill(
    specWith("ponder", (s) => {
      s.targets.kubernetes.database.backup = barmanPluginBackup();
    }),
    { toolVersion: "0.0.0-golden" },
  ).files,
};

describe.each(Object.entries(drills))("golden restore drill %s", (name, files) => {
  it("the golden folder holds exactly the rendered files", () => {
    expect(readdirSync(new URL(`restore-drill/${name}/`, goldenDir)).sort()).toEqual(files.map((f) => f.path).sort());
  });

  it.each(files.map((f) => [f.path, f.content] as const))("%s matches its reviewed golden", async (path, content) => {
    await expect(content).toMatchFileSnapshot(`../test/golden/restore-drill/${name}/${path}`);
  });
});
