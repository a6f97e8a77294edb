import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { buildComposeFile, renderCompose } from "@family/immich-compose";
import { renderKubernetes } from "@family/immich-k8s";
import { type ImmichFamilySpec, type RenderedFile, SERVER_ENVIRONMENT, type ServerEnvVar } from "@family/immich-spec";
import { parseAllDocuments } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import { exampleSpec } from "../../test/helpers.js";
import { runImport } from "../commands/import.js";
import type { DraftObject } from "./_draft.js";
import { ImportDraft } from "./_draft.js";
import { importServerEnvironment } from "./_server-environment.js";

/** A spec that sets every variable of the table: a new entry this spec leaves unset fails the first test until it is set here. */
const FULL = exampleSpec("family", {
  "immich.timezone": "America/New_York",
  "immich.trustedProxies": ["10.0.0.0/8", "192.168.1.1"],
  "immich.mediaLocation": "/usr/src/app/upload",
  "immich.environment": { IMMICH_WORKERS_INCLUDE: "api" },
});

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function writeFolder(files: readonly RenderedFile[]): string {
  const dir = mkdtempSync(join(tmpdir(), "server-env-"));
  dirs.push(dir);
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
  return dir;
}

/** The server's environment on Compose, as compose.yaml writes it. */
const composeEnv = (spec: ImmichFamilySpec): Record<string, string> =>
  (buildComposeFile(spec).services as Record<string, DraftObject>)["immich-server"]?.environment ?? {};

/** The server container's env on Kubernetes, each value or `secret:<name>/<key>`. */
function kubernetesEnv(spec: ImmichFamilySpec): Record<string, string> {
  const objects = renderKubernetes(spec)
    .filter((f) => f.path.endsWith(".yaml") && f.path !== "kustomization.yaml")
    .flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJS() as DraftObject));
  const server = objects.find((o) => o?.kind === "Deployment" && JSON.stringify(o.spec.template.spec.containers).includes("immich-server")) as DraftObject;
  const container = server.spec.template.spec.containers.find((c: DraftObject) => String(c.image).includes("immich-server"));
  return Object.fromEntries(
    (container.env as DraftObject[]).map((e) => [e.name, e.valueFrom ? `secret:${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}` : e.value]),
  );
}

/** Entries import maps into the spec (a field or a secret's key), not ones the render derives from the target. */
const mappedBack = (e: ServerEnvVar) => e.back.kind !== "derived";

describe("the server-environment table is covered by both renderers and by import", () => {
  it("renders every variable of the table on both targets", () => {
    const compose = composeEnv(FULL);
    const kubernetes = kubernetesEnv(FULL);
    for (const { name } of SERVER_ENVIRONMENT) {
      expect(compose, `Compose renders ${name}`).toHaveProperty(name);
      expect(kubernetes, `Kubernetes renders ${name}`).toHaveProperty(name);
    }
    expect(compose.IMMICH_WORKERS_INCLUDE).toBe("api");
    expect(kubernetes.IMMICH_WORKERS_INCLUDE).toBe("api");
  });

  it("Compose: render → import → render gives every mapped variable the same value, secrets as the same key", async () => {
    const dir = writeFolder(renderCompose(FULL));
    const { spec } = await runImport({ compose: dir, env: {} });
    const [before, after] = [composeEnv(FULL), composeEnv(spec)];
    for (const entry of SERVER_ENVIRONMENT.filter(mappedBack)) expect(after[entry.name], entry.name).toBe(before[entry.name]);
    expect(after.IMMICH_WORKERS_INCLUDE).toBe("api");
  });

  it("Kubernetes: render → import → render gives every variable mapped from a literal the same value", async () => {
    const dir = writeFolder(renderKubernetes(FULL));
    const { spec } = await runImport({ kubernetes: dir, env: {} });
    const [before, after] = [kubernetesEnv(FULL), kubernetesEnv(spec)];
    // Secrets on Kubernetes are references to Secrets the manifests do not hold: import never reads them.
    for (const entry of SERVER_ENVIRONMENT.filter((e) => mappedBack(e) && !e.secret)) expect(after[entry.name], entry.name).toBe(before[entry.name]);
    expect(after.IMMICH_WORKERS_INCLUDE).toBe("api");
  });

  it("maps back every variable whose value is the spec's, and says why each other one is the render's own", () => {
    for (const entry of SERVER_ENVIRONMENT) {
      if (entry.from.kind === "field" || entry.from.kind === "secret") expect(entry.back.kind, entry.name).not.toBe("derived");
      if (entry.back.kind === "derived") expect(entry.back.why, entry.name).not.toBe("");
    }
  });

  it("never copies a secret's value: a literal password is left out, a ${KEY} becomes that key", () => {
    const draft = new ImportDraft();
    importServerEnvironment(draft, { DB_PASSWORD: "hunter2", REDIS_PASSWORD: "${QUEUE_PASSWORD:?set it}", IMMICH_API_TOKEN: "x" }, "compose");
    expect(draft.get(["database", "password"])).toBeUndefined();
    expect(draft.get(["redis", "password"])).toBe("${QUEUE_PASSWORD}");
    expect(JSON.stringify(draft.spec)).not.toContain("hunter2");
    expect(draft.unmapped).toEqual(["compose: the server's IMMICH_API_TOKEN looks like a secret; set it by hand if the server still needs it"]);
  });

  it("notes a vector extension the spec cannot run, and keeps Immich's defaults unset", () => {
    const draft = new ImportDraft();
    importServerEnvironment(draft, { DB_VECTOR_EXTENSION: "pgvecto.rs", IMMICH_MEDIA_LOCATION: "/data", TZ: "" }, "compose");
    expect(draft.spec).toEqual({});
    expect(draft.unmapped).toEqual(["compose: the server's DB_VECTOR_EXTENSION=pgvecto.rs: the spec runs VectorChord only"]);
  });
});
