import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type ImmichFamilySpec, type ImmichFamilySpecInput, immichFamilySpec } from "@family/immich-spec";
import { ImmichClient, type ImmichClientOptions } from "./client/immich-client.js";

/** A minimal valid spec with the given libraries (members ann = admin, bob). */
export function testSpec(libraries: ImmichFamilySpecInput["libraries"], extra: Partial<ImmichFamilySpecInput> = {}): ImmichFamilySpec {
  return immichFamilySpec.parse({
    apiVersion: "immich-family.dev/v1alpha1",
    kind: "ImmichFamily",
    metadata: { name: "test" },
    immich: { version: "v2.7.5" },
    hosts: { web: "photos.example.com" },
    members: { ann: { name: "Ann", email: "ann@example.com", admin: true }, bob: { name: "Bob", email: "bob@example.com" } },
    libraries,
    targets: { compose: { user: { uid: 1000, gid: 1000 }, paths: { media: "/srv/media" } } },
    ...extra,
  });
}

/** A client with fast retries for tests. */
export function testClient(baseUrl: string, apiKey: string, extra: Partial<ImmichClientOptions> = {}): ImmichClient {
  return new ImmichClient({ baseUrl, apiKey, timeoutMs: 2_000, backoff: { baseMs: 5, maxMs: 50, attempts: 6 }, ...extra });
}

/** A temp tree; `add` writes files with a fixed or given mtime. */
export function tempTree(prefix = "worker-") {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return {
    root,
    add(rel: string, content = rel, mtime?: number) {
      const path = join(root, rel);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
      if (mtime !== undefined) utimesSync(path, mtime, mtime);
      return path;
    },
    remove(rel: string) {
      rmSync(join(root, rel), { recursive: true, force: true });
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
