import { type Dirent, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { link, mkdir, mkdtemp, readdir, readFile, rename, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { RECORD_FILE } from "../_owned-folder.js";
import { EXAMPLES, runCli, runCommand, seen } from "../../test/helpers.js";
import { main, render } from "./render.js";

const family = join(EXAMPLES, "family.yaml");

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

  it("reports an invalid spec with positions and code frames, exit 2, and writes nothing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "immich-family-render-"));
    const text = (await readFile(family, "utf8")).replace("instances: 2", "instances: two");
    await writeFile(join(dir, "spec.yaml"), text);
    expect(seen(await runCommand(main, dir, ["spec.yaml"], { out: "r" }))).toMatchInlineSnapshot(`
      "exit 2
      --- stderr
      error: spec.yaml is not a valid spec (1 error); run \`immich-family validate spec.yaml\` after fixing it
      spec.yaml:86:18: targets.kubernetes.database.instances: expected an integer, got "two" [invalid-type]
        85 |     database:
      > 86 |       instances: two
           |                  ^^^"
    `);
    expect(await readdir(dir)).toEqual(["spec.yaml"]);
  });
});

/** Every file under `dir` (at any depth) with its content, except those `skip` names. */
function tree(dir: string, skip: readonly string[] = []): Record<string, string> {
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  const rel = (e: Dirent) => relative(dir, join(e.parentPath, e.name));
  return Object.fromEntries(
    entries
      .map((e) => [rel(e), readFileSync(join(e.parentPath, e.name), "utf8")] as const)
      .filter(([p]) => !skip.includes(p))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

describe("render owns only its own files", () => {
  it("a re-render into the install folder keeps the database, backups, .git, the spec, notes and secrets byte-identical", async () => {
    const dir = await mkdtemp(join(tmpdir(), "immich-family-render-"));
    await writeFile(join(dir, "stack.yaml"), await readFile(family, "utf8"));
    await mkdir(join(dir, ".git/objects/ab"), { recursive: true });
    await writeFile(join(dir, ".git/HEAD"), "ref: refs/heads/main\n");
    await writeFile(join(dir, ".git/objects/ab/cdef"), "blob");
    // The folder holds the spec and a repository: render adopts it only when asked.
    await expect(render(dir, "stack.yaml", { target: "compose", out: "." })).rejects.toMatchObject({ code: "conflict", exitCode: 1 });
    const first = await render(dir, "stack.yaml", { target: "compose", out: ".", force: true });
    const rendered = [...(first.outputs[0]?.files ?? []), ".immich-family-render.json"];
    // What `docker compose up` and the family leave there.
    for (const [path, text] of Object.entries({
      "data/db/PG_VERSION": "16\n",
      "data/db/base/1/1259": "\u0000\u0001pages",
      "data/immich-config.yaml": "filled: config\n",
      "data/model-cache/clip/model.onnx": "weights",
      "backups/db-backup/pgsql_immich_20260101.sql.zst": "dump",
      ".env": "DB_PASSWORD=secret\n",
      "notes.md": "# our notes\n",
    })) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    const before = tree(dir, rendered);
    // Change the spec so that render rewrites its files and drops one (the worker's spec copy).
    const changed = (await readFile(join(dir, "stack.yaml"), "utf8")).replace("debounce: 1m", "enabled: false");
    await writeFile(join(dir, "stack.yaml"), changed);
    const second = await render(dir, "stack.yaml", { target: "compose", out: "." });
    expect(second.outputs[0]).toMatchObject({ removed: ["worker-spec.yaml"], changed: expect.arrayContaining(["compose.yaml"]) });
    expect(tree(dir, rendered)).toEqual({ ...before, "stack.yaml": changed });
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining([
        ".git/HEAD",
        ".git/objects/ab/cdef",
        "data/db/PG_VERSION",
        "backups/db-backup/pgsql_immich_20260101.sql.zst",
        "notes.md",
        ".env",
        "stack.yaml",
      ]),
    );
  });

  it("refuses a rendered file edited since, showing its diff, writes nothing anywhere, and --force overwrites it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "immich-family-render-"));
    await render(dir, family, { out: "r" });
    const compose = join(dir, "r/compose/compose.yaml");
    const edited = (await readFile(compose, "utf8")).replace("restart: unless-stopped", "restart: on-failure");
    expect(edited).toContain("on-failure");
    await writeFile(compose, edited);
    const spec = (await readFile(family, "utf8")).replace("photos.rincewind.family", "pictures.rincewind.family");
    await writeFile(join(dir, "spec.yaml"), spec);
    const before = tree(dir);
    // The diff runs from the edited file to what render would write: the edit undone, the spec's new host in.
    expect(seen(await runCommand(main, dir, ["spec.yaml"], { out: "r" }))).toMatchInlineSnapshot(`
      "exit 1
      --- stderr
      error: render stopped before writing anything: 1 problem in the output folders
        r/compose/compose.yaml was edited since the last render (see its diff). Move the change into the spec, or pass --force to overwrite it.
      Render owns only the files listed in each folder's .immich-family-render.json; \`immich-family diff\` shows every change it would make.
      --- a/r/compose/compose.yaml
      +++ b/r/compose/compose.yaml
      @@ -35,9 +35,9 @@
           network_mode: none
         immich-server:
           image: ghcr.io/immich-app/immich-server:v3.1.0
           user: "1000:1000"
      -    restart: on-failure
      +    restart: unless-stopped
           depends_on:
             immich-init:
               condition: service_completed_successfully
             immich-db:
      @@ -81,9 +81,9 @@
           labels:
             traefik.enable: "true"
             traefik.docker.network: rincewind-frontend
             traefik.http.middlewares.rincewind-admin-sign-up.ipallowlist.sourcerange: 127.0.0.1/32,::1/128
      -      traefik.http.routers.rincewind-web.rule: Host(\`photos.rincewind.family\`)
      +      traefik.http.routers.rincewind-web.rule: Host(\`pictures.rincewind.family\`)
             traefik.http.routers.rincewind-web.entrypoints: websecure
             traefik.http.routers.rincewind-web.tls: "true"
             traefik.http.routers.rincewind-web.tls.certresolver: letsencrypt
             traefik.http.routers.rincewind-web.middlewares: authelia@docker
      @@ -92,9 +92,9 @@
             traefik.http.routers.rincewind-mobile.entrypoints: websecure
             traefik.http.routers.rincewind-mobile.tls: "true"
             traefik.http.routers.rincewind-mobile.tls.certresolver: letsencrypt
             traefik.http.routers.rincewind-mobile.service: rincewind
      -      traefik.http.routers.rincewind-admin-sign-up.rule: (Host(\`photos.rincewind.family\`) || Host(\`app.photos.rincewind.family\`)) && PathRegexp(\`^/+(?i:api/+auth/+admin-sign-up)\`)
      +      traefik.http.routers.rincewind-admin-sign-up.rule: (Host(\`pictures.rincewind.family\`) || Host(\`app.photos.rincewind.family\`)) && PathRegexp(\`^/+(?i:api/+auth/+admin-sign-up)\`)
             traefik.http.routers.rincewind-admin-sign-up.entrypoints: websecure
             traefik.http.routers.rincewind-admin-sign-up.tls: "true"
             traefik.http.routers.rincewind-admin-sign-up.tls.certresolver: letsencrypt
             traefik.http.routers.rincewind-admin-sign-up.middlewares: rincewind-admin-sign-up"
    `);
    // The Kubernetes folder, which had no conflict, is untouched too.
    expect(tree(dir)).toEqual(before);
    await render(dir, "spec.yaml", { out: "r", force: true });
    expect(await readFile(compose, "utf8")).not.toContain("on-failure");
    expect(await readFile(compose, "utf8")).toContain("pictures.rincewind.family");
  });

  it("refuses a non-empty folder it did not write, with the hint, and writes nothing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "immich-family-render-"));
    await mkdir(join(dir, "deploy"));
    await writeFile(join(dir, "deploy/notes.txt"), "ours");
    expect(seen(await runCommand(main, dir, [family], { target: "kubernetes", out: "deploy" }))).toMatchInlineSnapshot(`
      "exit 1
      --- stderr
      error: render stopped before writing anything: 1 problem in the output folder
        deploy is not empty and has no .immich-family-render.json: render did not write it. Render into an empty folder, or pass --force to adopt it: render will still delete nothing it did not write.
      Render owns only the files listed in each folder's .immich-family-render.json; \`immich-family diff\` shows every change it would make."
    `);
    expect(await readdir(join(dir, "deploy"))).toEqual(["notes.txt"]);
  });
});

describe("render never writes, replaces or removes the spec", () => {
  const specText = readFileSync(family, "utf8");
  /** A folder holding the spec as `immich-family.yaml`, the layout of an install kept beside its spec. */
  const folderWithSpec = async () => {
    const dir = await mkdtemp(join(tmpdir(), "immich-family-spec-"));
    await writeFile(join(dir, "immich-family.yaml"), specText);
    return dir;
  };
  const copy = "worker-spec.yaml";

  it("in place: `render --out .` beside the spec renders and re-renders with exit 0, the spec byte-identical", async () => {
    const dir = await folderWithSpec();
    for (const args of [[], [], ["--force"]]) {
      const r = runCli(["render", "--target", "compose", "--out", ".", ...args], dir);
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: expect.not.stringContaining("error") });
      expect(readFileSync(join(dir, "immich-family.yaml"), "utf8")).toBe(specText);
    }
    expect(readdirSync(dir).sort()).toEqual([".env.example", RECORD_FILE, "README.md", "compose.yaml", "immich-config.yaml.tmpl", "immich-family.yaml", copy]);
    expect(Object.keys(JSON.parse(readFileSync(join(dir, RECORD_FILE), "utf8")).files)).not.toContain("immich-family.yaml");
  });

  it("from standard input: `render - --out . --force` never replaces the spec it was fed, nor one in the folder", async () => {
    const dir = await folderWithSpec();
    const r = runCli(["render", "-", "--target", "compose", "--out", ".", "--force"], dir, specText);
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, "immich-family.yaml"), "utf8")).toBe(specText);
    // A spec where the worker's copy goes, fed through a pipe (no file to recognise): refused by its content, even forced.
    await writeFile(join(dir, copy), specText.replace("rincewind", "mine"));
    const again = runCli(["render", "-", "--target", "compose", "--out", ".", "--force"], dir, specText);
    expect(seen(again)).toMatchInlineSnapshot(`
      "exit 1
      --- stderr
      error: render stopped before writing anything: 1 problem in the output folder
        worker-spec.yaml holds an immich-family spec that render did not write as it is; render never overwrites or removes a spec, even with --force. Move it out of the folder and render again."
    `);
    expect(readFileSync(join(dir, copy), "utf8")).toBe(specText.replace("rincewind", "mine"));
  });

  it("by path, link or hard link: the spec where render writes is refused, even forced, and stays byte-identical", async () => {
    const shown: string[] = [];
    for (const how of ["path", "symlink", "hardlink"] as const) {
      const dir = await folderWithSpec();
      const out = join(dir, "out");
      await mkdir(out);
      const spec = how === "path" ? join(out, copy) : join(dir, "immich-family.yaml");
      if (how === "path") await writeFile(spec, specText);
      if (how === "symlink") await symlink(spec, join(out, copy));
      if (how === "hardlink") await link(spec, join(out, copy));
      shown.push(`# ${how}`, seen(await runCommand(main, dir, [spec], { target: "compose", out: "out", force: true })));
      expect(readFileSync(spec, "utf8")).toBe(specText);
    }
    expect(shown.join("\n")).toMatchInlineSnapshot(`
      "# path
      exit 1
      --- stderr
      error: render stopped before writing anything: 1 problem in the output folder
        out/worker-spec.yaml is the spec being rendered; render never writes, replaces or removes it. Render into another folder (--out).
      # symlink
      exit 1
      --- stderr
      error: render stopped before writing anything: 1 problem in the output folder
        out/worker-spec.yaml is a symbolic link; render writes a file there and never follows a link. Move it away.
      # hardlink
      exit 1
      --- stderr
      error: render stopped before writing anything: 1 problem in the output folder
        out/worker-spec.yaml is the spec being rendered; render never writes, replaces or removes it. Render into another folder (--out)."
    `);
  });

  it("with --force: an edited copy of the spec is never overwritten, nor removed once render no longer writes it", async () => {
    const dir = await folderWithSpec();
    await render(dir, undefined, { target: "compose", out: "out" });
    const mine = `${readFileSync(join(dir, "out", copy), "utf8")}# my change\n`;
    await writeFile(join(dir, "out", copy), mine);
    const noWorker = specText.replace("debounce: 1m", "enabled: false");
    const shown: string[] = [];
    for (const text of [specText, noWorker]) {
      await writeFile(join(dir, "immich-family.yaml"), text);
      shown.push(seen(await runCommand(main, dir, [], { target: "compose", out: "out", force: true })));
      expect(readFileSync(join(dir, "out", copy), "utf8")).toBe(mine);
    }
    // The same refusal whether render would rewrite the copy or remove it.
    expect(shown[1]).toBe(shown[0]);
    expect(shown[0]).toMatchInlineSnapshot(`
      "exit 1
      --- stderr
      error: render stopped before writing anything: 1 problem in the output folder
        out/worker-spec.yaml holds an immich-family spec that render did not write as it is; render never overwrites or removes a spec, even with --force. Move it out of the folder and render again."
    `);
  });

  it("migrates a folder of an earlier release, whose copy was immich-family.yaml, without touching a file of that name", async () => {
    for (const edited of [false, true]) {
      const dir = await folderWithSpec();
      await render(dir, undefined, { target: "compose", out: "out" });
      // What an earlier release left: the copy under the spec's name, on the record.
      const old = readFileSync(join(dir, "out", copy), "utf8");
      await rename(join(dir, "out", copy), join(dir, "out/immich-family.yaml"));
      const record = readFileSync(join(dir, "out", RECORD_FILE), "utf8").replace(`"${copy}"`, '"immich-family.yaml"');
      await writeFile(join(dir, "out", RECORD_FILE), record);
      const left = edited ? specText : old;
      await writeFile(join(dir, "out/immich-family.yaml"), left);
      const result = await render(dir, undefined, { target: "compose", out: "out", force: edited });
      expect(result.notes).toEqual([
        'out/immich-family.yaml: an earlier release wrote the worker\'s copy of the spec under this name; it is now written under its own name, so render no longer lists "immich-family.yaml" and never touches it. Delete it yourself if it is not your spec.',
      ]);
      expect(result.outputs[0]).toMatchObject({ created: [copy], removed: [] });
      expect(readFileSync(join(dir, "out/immich-family.yaml"), "utf8")).toBe(left);
      expect(readFileSync(join(dir, "out/compose.yaml"), "utf8")).toContain(`./${copy}:/etc/immich-family/${copy}:ro`);
      expect(Object.keys(JSON.parse(readFileSync(join(dir, "out", RECORD_FILE), "utf8")).files)).toContain(copy);
      expect((await render(dir, undefined, { target: "compose", out: "out" })).notes).toEqual([]);
    }
  });
});

describe("the built CLI's render output", () => {
  it("prints the spec's warnings with their code frames, then each target's summary and next steps", () => {
    const cwd = mkdtempSync(join(tmpdir(), "immich-family-render-"));
    const r = runCli(["render", family, "--out", "r"], cwd);
    expect(seen(r)).toMatchInlineSnapshot(`
      "exit 0
      --- stdout
      kubernetes: r/kubernetes: 14 files (14 new, 0 changed, 0 unchanged), 0 removed
      compose: r/compose: 5 files (5 new, 0 changed, 0 unchanged), 0 removed

      Next steps (kubernetes):
        1. Once per cluster, install the CloudNativePG operator, a VolumeSnapshotClass for the database volumes, the Prometheus operator (PodMonitor), the pomerium ingress controller, cert-manager with the ClusterIssuer letsencrypt-prod, an NFS client on every node (the libraries are NFS volumes).
        2. Copy r/kubernetes/secrets.env.example to r/kubernetes/secrets.env and fill in every key; keep it out of git (kustomize reads it from there).
        3. Apply: kubectl apply -k r/kubernetes
        4. Watch the database come up: kubectl -n photos get cluster rincewind-postgres -w (until "Cluster in healthy state"), then kubectl -n photos rollout status deployment/rincewind-server.
        5. First admin: an install that already has its users (adopted, members imported) has none to make; they sign in as before. A fresh install: kubectl -n photos port-forward service/rincewind-server 2283:2283, open http://127.0.0.1:2283 and finish the onboarding wizard (the Ingresses refuse Immich's sign-up from outside), or give members.rincewind.password and run IMMICH_URL=http://127.0.0.1:2283 immich-family bootstrap through it. Then open https://photos.rincewind.family.

      Next steps (compose):
        1. Once per host: the user 1000 and group 1000 own the data; see r/compose/README.md, "Host setup".
        2. Copy r/compose/.env.example to r/compose/.env and fill in every key; keep it out of git.
        3. Create Traefik's network if it does not exist: docker network create rincewind-frontend
        4. Start: cd r/compose && docker compose up -d
        5. Check the init step exited 0: docker compose logs immich-init (an unresolved \${KEY} stops it, and the server does not start).
        6. First admin: an install that already has its users (adopted, members imported) has none to make; they sign in as before. A fresh install: make the first admin from inside the server container (Traefik refuses Immich's sign-up from outside), or give members.rincewind.password and run \`immich-family bootstrap\`. See r/compose/README.md, "First start".
      --- stderr
      <examples>/family.yaml:72:14: warning: database.superuser: on the compose target the Immich Postgres image creates POSTGRES_USER as a superuser, so the role stays a superuser there; only Kubernetes (CloudNativePG) keeps it a plain owner. Immich's own database backup is still turned off on both [compose-superuser]
        71 |   vectorVersion: 0.3.0
      > 72 |   superuser: false # extensions pre-created, plain owner role, CNPG/db-backup for backups
           |              ^^^^^"
    `);
  });

  it("exits 1 when a render is refused, and --force gets through", () => {
    const cwd = mkdtempSync(join(tmpdir(), "immich-family-render-"));
    writeFileSync(join(cwd, "notes.txt"), "ours");
    const refused = runCli(["render", family, "--target", "compose", "--out", "."], cwd);
    expect(seen(refused)).toMatchInlineSnapshot(`
      "exit 1
      --- stderr
      error: render stopped before writing anything: 1 problem in the output folder
        . is not empty and has no .immich-family-render.json: render did not write it. Render into an empty folder, or pass --force to adopt it: render will still delete nothing it did not write.
      Render owns only the files listed in each folder's .immich-family-render.json; \`immich-family diff\` shows every change it would make."
    `);
    expect(readdirSync(cwd)).toEqual(["notes.txt"]);
    expect(runCli(["render", family, "--target", "compose", "--out", ".", "--force"], cwd).status).toBe(0);
    expect(readFileSync(join(cwd, "notes.txt"), "utf8")).toBe("ours");
  });
});
