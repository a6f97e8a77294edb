import { cp, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { secretKeys } from "@family/immich-spec";
import { beforeEach, describe, expect, it } from "vitest";
import { exampleInput, recordingIo, EXAMPLES, commandContext, runCommand, seen } from "../../test/helpers.js";
import { parse, parseAllDocuments, stringify } from "yaml";
import type { CommandContext } from "../_command.js";
import { loadSpecOrThrow } from "../_spec.js";
import { main, render } from "./render.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "render-kubernetes-"));
  await cp(EXAMPLES, join(dir, "examples"), { recursive: true });
});

function ctx() {
  const io = recordingIo();
  const c: CommandContext = commandContext(dir, io);
  return { io, c };
}

async function readFolder(path: string): Promise<Record<string, string>> {
  const names = await readdir(path);
  return Object.fromEntries(await Promise.all(names.map(async (n) => [n, await readFile(join(path, n), "utf8")] as const)));
}

describe("render --target kubernetes", () => {
  it("writes seed 000's kustomize folder and says where", async () => {
    const { io, c } = ctx();
    expect(await main(c, ["examples/ponder.yaml"], { target: "kubernetes", out: "deploy" })).toBe(0);
    const { ".immich-family-render.json": record, ...files } = await readFolder(join(dir, "deploy"));
    const n = Object.keys(files).length;
    expect(io.out[0]).toBe(`kubernetes: deploy: ${n} files (${n} new, 0 changed, 0 unchanged), 0 removed`);
    expect(Object.keys((JSON.parse(record ?? "{}") as { files: object }).files).sort()).toEqual(Object.keys(files).sort());
    expect(io.out[1]).toContain("  3. Apply: kubectl apply -k deploy\n");
    const k = parse(files["kustomization.yaml"] ?? "") as { resources: string[]; namespace: string; secretGenerator: { envs: string[] }[] };
    expect(k.namespace).toBe("immich");
    for (const r of k.resources) expect(Object.keys(files), r).toContain(r);
    expect(k.secretGenerator[0]?.envs).toEqual(["secrets.env"]);
    const kinds = Object.values(files)
      .flatMap((text) => parseAllDocuments(text).map((d) => d.toJS() as { kind?: string }))
      .map((o) => o.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(["Namespace", "Cluster", "Deployment", "Service", "PersistentVolume", "PersistentVolumeClaim", "Ingress", "ConfigMap"]),
    );
  });

  it("renders every declared target into its own folder when no target is given", async () => {
    const { io, c } = ctx();
    await main(c, ["examples/family.yaml"], { out: "rendered", output: "json" });
    const result = JSON.parse(io.out.join("")) as { outputs: { target: string; dir: string }[] };
    expect(result.outputs.map((o) => [o.target, o.dir])).toEqual([
      ["kubernetes", join("rendered", "kubernetes")],
      ["compose", join("rendered", "compose")],
    ]);
    expect(await readdir(join(dir, "rendered/kubernetes"))).toContain("kustomization.yaml");
  });

  it("never writes a secret value, even with the secrets env file beside the spec", async () => {
    const { spec } = await loadSpecOrThrow(dir, "examples/family.yaml");
    const dummies = secretKeys(spec, "kubernetes").map((k, i) => [k.key, `dummy-secret-value-${i}-${k.key.toLowerCase()}`] as const);
    expect(dummies.length).toBeGreaterThan(2);
    const env = dummies.map(([k, v]) => `${k}=${v}`).join("\n");
    await writeFile(join(dir, "examples/secrets.env"), env);
    await writeFile(join(dir, ".env"), env);
    await render(dir, "examples/family.yaml", { target: "kubernetes", out: "out" });
    const files = await readFolder(join(dir, "out"));
    expect(Object.keys(files)).not.toContain("secrets.env");
    const all = Object.values(files).join("\n");
    for (const [key, value] of dummies) {
      expect(all).not.toContain(value);
      expect(all).toContain(`${key}=\n`);
    }
  });

  it("fails on a spec without a Kubernetes target and writes nothing", async () => {
    expect(seen(await runCommand(main, dir, ["examples/truenas.yaml"], { target: "kubernetes", out: "out" }))).toMatchInlineSnapshot(`
      "exit 2
      --- stderr
      error: The spec declares no kubernetes target (it declares: compose). Add targets.kubernetes or pick another --target."
    `);
    expect(await readdir(dir)).not.toContain("out");
  });

  it("leaves the previous folder untouched when the spec is refused", async () => {
    await render(dir, "examples/ponder.yaml", { target: "kubernetes", out: "out" });
    const before = await readFolder(join(dir, "out"));
    const spec = exampleInput("ponder");
    spec.targets.kubernetes.database.backup = { schedule: "0 0 3 * * *", method: "plugin" };
    await writeFile(join(dir, "broken.yaml"), stringify(spec));
    // A plugin backup without its plugin once failed inside the renderer; now validation refuses it.
    expect(seen(await runCommand(main, dir, ["broken.yaml"], { target: "kubernetes", out: "out" }))).toMatchInlineSnapshot(`
      "exit 2
      --- stderr
      error: broken.yaml is not a valid spec (1 error); run \`immich-family validate broken.yaml\` after fixing it
      broken.yaml:87:7: targets.kubernetes.database.backup: method plugin needs pluginName, the CNPG-I plugin that takes the backups, e.g. barman-cloud.cloudnative-pg.io [kubernetes-backup]
        86 |         max_connections: "100"
      > 87 |       backup:
           |       ^^^^^^"
    `);
    expect(await readFolder(join(dir, "out"))).toEqual(before);
  });
});
