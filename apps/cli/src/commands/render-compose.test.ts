import { mkdtemp, readdir, readFile, writeFile, cp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { exampleInput, specText, recordingIo, EXAMPLES, commandContext, runCommand, seen } from "../../test/helpers.js";
import { parse, stringify } from "yaml";
import type { CommandContext } from "../_command.js";
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
    expect(io.out.join("\n")).toMatchInlineSnapshot(`
      "compose: out: 4 files (4 new, 0 changed, 0 unchanged), 0 removed

      Next steps (compose):
        1. Once per host: the user 3106 and group 3202 own the data; see out/README.md, "Host setup".
        2. Copy out/.env.example to out/.env and fill in every key; keep it out of git.
        3. Create Traefik's network if it does not exist: docker network create immich-frontend
        4. Start: cd out && docker compose up -d
        5. Check the init step exited 0: docker compose logs immich-init (an unresolved \${KEY} stops it, and the server does not start).
        6. First admin: an install that already has its users (adopted, members imported) has none to make; they sign in as before. A fresh install: make the first admin from inside the server container (Traefik refuses Immich's sign-up from outside), or give members.sam.password and run \`immich-family bootstrap\`. See out/README.md, "First start"."
    `);
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
    expect(seen(await runCommand(main, dir, ["broken.yaml"], { target: "compose", out: "out" }))).toMatchInlineSnapshot(`
      "exit 2
      --- stderr
      error: broken.yaml is not a valid spec (1 error); run \`immich-family validate broken.yaml\` after fixing it
      broken.yaml:116:5: targets.compose.libraries.travel: library "travel" (/mnt/photos/travel) has no source in targets.compose.libraries; add travel: { hostPath: /path/on/the/host } [library-targets]
        115 |       media: /srv/immich/media
      > 116 |     libraries:
            |     ^^^^^^^^^"
    `);
    expect(await readFile(join(dir, "out/compose.yaml"), "utf8")).toBe(before);
    expect((await readdir(dir)).filter((f) => f.startsWith("out.tmp"))).toEqual([]);
  });

  it("refuses --target compose for a spec without a compose target (exit 2), writing nothing", async () => {
    expect(seen(await runCommand(main, dir, ["examples/ponder.yaml"], { target: "compose", out: "out" }))).toMatchInlineSnapshot(`
      "exit 2
      --- stderr
      error: The spec declares no compose target (it declares: kubernetes). Add targets.compose or pick another --target."
    `);
    expect(await readdir(dir)).toEqual(["examples"]);
  });
});
