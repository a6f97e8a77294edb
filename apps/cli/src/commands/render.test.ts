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
});
