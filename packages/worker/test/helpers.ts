import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { albumState, createFakeImmich, type FakeImmich, type FakeUser, scanLibrary } from "@family/fake-immich";
import { type ImmichFamilySpec, type ImmichFamilySpecInput, parseSpec } from "@family/immich-spec";
import { minimalInput, secretRef, specBuilder } from "@family/test-kit";
import { type AlbumReconcileOptions, reconcileAlbums } from "../src/albums/reconcile.js";
import { ImmichClient, type ImmichClientOptions } from "../src/client/immich-client.js";

const { specFromInput, specText } = specBuilder(parseSpec);
export { minimalInput, secretRef, specText };

/** A minimal valid spec with the given libraries (members ann = admin, bob), each served by the Compose target. */
export function testSpec(libraries: ImmichFamilySpecInput["libraries"], extra: Partial<ImmichFamilySpecInput> = {}): ImmichFamilySpec {
  return specFromInput(minimalInput(libraries, extra));
}

/** A running source file of this package and what it has printed so far. */
export interface SourceProcess {
  readonly child: ChildProcess;
  readonly output: { out: string; err: string };
  /** Its exit: the code, and the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Run a TypeScript file of this package in its own Node process (through tsx, on the sources), from the package folder. */
export function runSource(file: URL, args: readonly string[] = [], options: { env?: NodeJS.ProcessEnv; nodeFlags?: readonly string[] } = {}): SourceProcess {
  // tsx loads through `module.register()`, which Node 26 deprecates with a warning on stderr (DEP0205):
  // the test harness's, not the product's, so it does not count as the child's own output.
  const flags = [...(options.nodeFlags ?? []), "--disable-warning=DEP0205", "--conditions=@family/source", "--import", "tsx"];
  const child = spawn(process.execPath, [...flags, fileURLToPath(file), ...args], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = { out: "", err: "" };
  child.stdout?.on("data", (d) => {
    output.out += String(d);
  });
  child.stderr?.on("data", (d) => {
    output.err += String(d);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, output, exited };
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

type AlbumsInput = NonNullable<NonNullable<ImmichFamilySpecInput["libraries"]>[string]>["albums"];

export interface AlbumWorld {
  readonly fake: FakeImmich;
  readonly tree: ReturnType<typeof tempTree>;
  readonly users: { ann: FakeUser; bob: FakeUser; carol: FakeUser };
  readonly keys: { ann: string; bob: string };
  spec: ImmichFamilySpec;
  env: Record<string, string | undefined>;
  /** Write files (relative to the library root) and rescan the library in the fake. */
  files(...rel: string[]): void;
  albumprops(folder: string, text: string): void;
  rescan(): void;
  run(over?: Partial<AlbumReconcileOptions>): ReturnType<typeof reconcileAlbums>;
  /** Server albums as `{ name: { assets, users: {email: role} } }`. */
  albums(): Record<string, { assets: number; users: Record<string, string>; count: number }>;
  close(): Promise<void>;
}

/** A fake server with ann (admin, library owner), bob and carol, a library in a temp tree, and a spec for it. */
export async function albumWorld(
  options: { version?: "v2.7.5" | "v3.1.0"; publicUsers?: boolean; albums?: AlbumsInput; owner?: "ann" | "bob"; latencyMs?: number } = {},
): Promise<AlbumWorld> {
  const fake = await createFakeImmich({ version: options.version ?? "v3.1.0", publicUsers: options.publicUsers ?? true });
  if (options.latencyMs) fake.faults.add({ kind: "latency", delayMs: options.latencyMs });
  const tree = tempTree("albums-");
  const ann = fake.addUser({ email: "ann@example.com", isAdmin: true });
  const bob = fake.addUser({ email: "bob@example.com" });
  const carol = fake.addUser({ email: "carol@example.com" });
  const keys = { ann: fake.addApiKey(ann, ["all"], "ann"), bob: fake.addApiKey(bob, ["all"], "bob") };
  const ownerHandle = options.owner ?? "ann";
  const library = fake.state.addLibrary({ ownerId: (ownerHandle === "ann" ? ann : bob).id, name: "fam", importPaths: [tree.root] });
  const members = {
    ann: { name: "Ann", email: "ann@example.com", admin: true },
    bob: { name: "Bob", email: "bob@example.com", apiKey: secretRef("IMMICH_API_KEY_BOB") },
    carol: { name: "Carol", email: "carol@example.com" },
  };
  const world: AlbumWorld = {
    fake,
    tree,
    users: { ann, bob, carol },
    keys,
    spec: testSpec({ fam: { owner: ownerHandle, path: tree.root, albums: options.albums ?? {} } }, { members }),
    env: { IMMICH_API_KEY: keys.ann, IMMICH_API_KEY_BOB: keys.bob },
    files(...rel) {
      for (const r of rel) tree.add(r, r, 1_700_000_000);
      world.rescan();
    },
    albumprops(folder, text) {
      writeFileSync(join(tree.root, folder, ".albumprops"), text);
    },
    rescan() {
      scanLibrary(fake.state, library);
    },
    run: (over = {}) =>
      reconcileAlbums({
        spec: world.spec,
        baseUrl: fake.url,
        env: world.env,
        apply: true,
        client: { timeoutMs: 3_000, backoff: { baseMs: 1, maxMs: 5, attempts: 3 } },
        ...over,
      }),
    albums() {
      const out: ReturnType<AlbumWorld["albums"]> = {};
      for (const a of albumState(fake.state).albums.values()) {
        const users = Object.fromEntries([...a.users].map(([id, role]) => [fake.state.users.get(id)?.email ?? id, role]));
        const live = [...a.assetIds].filter((id) => fake.state.assets.get(id)?.deletedAt === null).length;
        out[a.albumName] = { assets: live, users, count: (out[a.albumName]?.count ?? 0) + 1 };
      }
      return out;
    },
    async close() {
      await fake.close();
      tree.cleanup();
    },
  };
  return world;
}
