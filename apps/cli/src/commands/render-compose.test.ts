import { mkdtemp, readdir, readFile, writeFile, cp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { exampleInput, specText, recordingIo, EXAMPLES, commandContext } from "../../test/helpers.js";
import { parse, stringify } from "yaml";
import type { CommandContext } from "../_command.js";
import { CliError } from "../_errors.js";
import { RECORD_FILE } from "../_owned-folder.js";
import { main, render } from "./render.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "render-compose-"));
  await cp(EXAMPLES, join(dir, "examples"), { recursive: true });
});

function ctx() {
  const io = recordingIo();
  const c: CommandContext = commandContext(dir, io);
  return { io, c };
}

describe("render --target compose", () => {
  it("writes the compose folder of seed 002's spec and says where", async () => {
    const { io, c } = ctx();
    expect(await main(c, ["examples/truenas.yaml"], { target: "compose", out: "out" })).toBe(0);
    expect(io.out[0]).toBe("compose: out: 4 files (4 new, 0 changed, 0 unchanged), 0 removed");
    expect(io.out[1]).toMatch(/^\nNext steps \(compose\):\n {2}1\. .*\n {2}2\. Copy out\/\.env\.example to out\/\.env /);
    expect(io.out[1]).toContain("  4. Start: cd out && docker compose up -d\n");
    expect((await readdir(join(dir, "out"))).sort()).toEqual([
      ".env.example",
      ".immich-family-render.json",
      "README.md",
      "compose.yaml",
      "immich-config.yaml.tmpl",
    ]);
    // The folder's README names the record this CLI keeps.
    expect(await readFile(join(dir, "out/README.md"), "utf8")).toContain(`only the files it lists in \`${RECORD_FILE}\``);
    const compose = parse(await readFile(join(dir, "out/compose.yaml"), "utf8")) as { services: Record<string, { user?: string }> };
    expect(compose.services["immich-server"]?.user).toBe("3106:3202");
  });

  it("writes the spec copy for the worker when it is on, and lists files in JSON", async () => {
    const { io, c } = ctx();
    await main(c, ["examples/family.yaml"], { target: "compose", out: "stack", output: "json" });
    const result = JSON.parse(io.out.join("")) as { outputs: { target: string; dir: string; files: string[] }[] };
    expect(result.outputs).toEqual([
      expect.objectContaining({ target: "compose", dir: "stack", files: expect.arrayContaining(["compose.yaml", "worker-spec.yaml"]), removed: [] }),
    ]);
    expect(await readFile(join(dir, "stack/worker-spec.yaml"), "utf8")).toContain("name: rincewind");
  });

  it("removes a file it wrote and no longer writes, and keeps one it never wrote", async () => {
    await render(dir, "examples/family.yaml", { target: "compose", out: "out" });
    await writeFile(join(dir, "out/stale.yaml"), "mine: true\n");
    const spec = exampleInput("family");
    spec.worker.enabled = false;
    await writeFile(join(dir, "no-worker.yaml"), specText(spec));
    const result = await render(dir, "no-worker.yaml", { target: "compose", out: "out" });
    expect(result.outputs[0]?.removed).toEqual(["worker-spec.yaml"]);
    const left = await readdir(join(dir, "out"));
    expect(left).toContain("stale.yaml");
    expect(left).not.toContain("worker-spec.yaml");
  });

  it("leaves the previous folder untouched when the spec cannot be rendered", async () => {
    await render(dir, "examples/family.yaml", { target: "compose", out: "out" });
    const before = await readFile(join(dir, "out/compose.yaml"), "utf8");
    const spec = exampleInput("family");
    delete spec.targets.compose.libraries.travel;
    await writeFile(join(dir, "broken.yaml"), stringify(spec));
    const error = (await render(dir, "broken.yaml", { target: "compose", out: "out" }).catch((e: unknown) => e)) as CliError;
    expect(error).toBeInstanceOf(CliError);
    expect(error.details.join("\n")).toContain("travel");
    expect(await readFile(join(dir, "out/compose.yaml"), "utf8")).toBe(before);
    expect((await readdir(dir)).filter((f) => f.startsWith("out.tmp"))).toEqual([]);
  });

  it("refuses --target compose for a spec without a compose target (exit 2)", async () => {
    const error = await render(dir, "examples/ponder.yaml", { target: "compose", out: "out" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    expect((error as CliError).message).toContain("no compose target");
  });
});
