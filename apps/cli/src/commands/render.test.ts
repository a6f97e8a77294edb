import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { render } from "./render.js";

const family = fileURLToPath(new URL("../../../../examples/family.yaml", import.meta.url));

describe("render", () => {
  it("writes an absolute --out where it says, one sub-folder per declared target", async () => {
    const out = join(await mkdtemp(join(tmpdir(), "immich-family-render-")), "deploy");
    const result = await render("/nonexistent-cwd", family, { out });
    expect(result.outputs.map((o) => [o.target, o.dir])).toEqual([
      ["kubernetes", join(out, "kubernetes")],
      ["compose", join(out, "compose")],
    ]);
    expect((await readdir(out)).sort()).toEqual(["compose", "kubernetes"]);
  });

  it("keeps the user's secrets env files across a re-render", async () => {
    const out = await mkdtemp(join(tmpdir(), "immich-family-render-"));
    await render(out, family, { out: "r" });
    await writeFile(join(out, "r/kubernetes/secrets.env"), "IMMICH_API_KEY=k8s\n");
    await writeFile(join(out, "r/compose/.env"), "DB_PASSWORD=compose\n");
    await render(out, family, { out: "r" });
    expect(await readFile(join(out, "r/kubernetes/secrets.env"), "utf8")).toBe("IMMICH_API_KEY=k8s\n");
    expect(await readFile(join(out, "r/compose/.env"), "utf8")).toBe("DB_PASSWORD=compose\n");
  });

  it("reports an invalid spec with positions and code frames, and writes nothing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "immich-family-render-"));
    const text = (await readFile(family, "utf8")).replace("instances: 2", "instances: two");
    await writeFile(join(dir, "spec.yaml"), text);
    const error = await render(dir, "spec.yaml", { out: "r" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "spec-invalid", exitCode: 2, message: expect.stringMatching(/^spec\.yaml is not a valid spec \(1 error\)/) });
    const [detail] = (error as { details: string[] }).details;
    const line = text.split("\n").findIndex((l) => l.includes("instances: two")) + 1;
    expect(detail).toContain(`spec.yaml:${line}:18: targets.kubernetes.database.instances:`);
    expect(detail).toMatch(/instances: two\n\s*\|\s+\^/);
    expect(await readdir(dir)).toEqual(["spec.yaml"]);
  });
});

