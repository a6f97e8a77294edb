import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createAlbum,
  createLibrary,
  getAlbumInfo,
  getAllLibraries,
  getMyApiKey,
  getMyUser,
  getQueuesLegacy,
  getServerVersion,
  isHttpError,
  pingServer,
  scanLibrary,
  searchAssets,
  searchAssetStatistics,
  searchUsers,
  updateAssets,
  updateLibrary,
  validate,
} from "@immich/sdk";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFakeImmich, type FakeImmich } from "./server.js";

let fake: FakeImmich;
let root: string;
const opts = (key?: string) => ({ baseUrl: fake.url, headers: key ? { "x-api-key": key } : {} });

async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (error) {
    if (isHttpError(error)) return { status: error.status, data: error.data };
    throw error;
  }
  throw new Error("expected the request to fail");
}

function file(rel: string, mtime = 1_700_000_000) {
  const path = join(root, rel);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, rel);
  utimesSync(path, mtime, mtime);
  return path;
}

async function scanned(key: string, id: string) {
  await scanLibrary({ id }, opts(key));
  await fake.jobs.idle();
}

beforeEach(async () => {
  fake = await createFakeImmich();
  root = mkdtempSync(join(tmpdir(), "fake-immich-"));
});
afterEach(async () => {
  await fake.close();
  rmSync(root, { recursive: true, force: true });
});

describe("fake Immich through @immich/sdk", () => {
  it("answers server info without a key and rejects other calls without one", async () => {
    expect(await pingServer(opts())).toEqual({ res: "pong" });
    expect(await getServerVersion(opts())).toMatchObject({ major: 3, minor: 1, patch: 0 });
    const err = await failure(getMyUser(opts()));
    expect(err.status).toBe(401);
    // The default line is v3: a bare message (v2's full body is tested with the error shapes below).
    expect(err.data).toEqual({ message: "Authentication required" });
  });

  it("checks each API key's permissions and says which one is missing", async () => {
    const admin = fake.addUser({ email: "admin@example.com", isAdmin: true });
    const limited = fake.addApiKey(admin, ["library.read"], "limited");
    expect(await getAllLibraries(opts(limited))).toEqual([]);
    const err = await failure(getMyUser(opts(limited)));
    expect(err).toMatchObject({ status: 403, data: { message: "Missing required permission: user.read" } });
    expect((await getMyApiKey(opts(limited))).permissions).toEqual(["library.read"]);
  });

  it("keeps library endpoints for admins", async () => {
    const ann = fake.addUser({ email: "ann@example.com" });
    const key = fake.addApiKey(ann);
    expect(await failure(getAllLibraries(opts(key)))).toMatchObject({ status: 403 });
  });

  it("validates bodies with 400s like the v2 server", async () => {
    await fake.close();
    fake = await createFakeImmich({ version: "v2.7.5" });
    const admin = fake.addUser({ email: "admin@example.com", isAdmin: true });
    const key = fake.addApiKey(admin);
    const err = await failure(createLibrary({ createLibraryDto: { ownerId: "nope", importPaths: ["/a", "/a"] } }, opts(key)));
    expect(err.status).toBe(400);
    expect(err.data.message).toEqual(["ownerId must be a UUID", "All importPaths's elements must be unique"]);
    const big = await failure(searchAssets({ metadataSearchDto: { size: 1001 } }, opts(key)));
    expect(big.data.message).toEqual(["size must not be greater than 1000"]);
  });

  it("answers errors in each line's shape: v2's full body and x-immich-cid, v3's bare message and X-Correlation-ID", async () => {
    const answer = async (version: "v2.7.5" | "v3.1.0", body: unknown, key?: string) => {
      await fake.close();
      fake = await createFakeImmich({ version });
      const admin = fake.addUser({ email: "admin@example.com", isAdmin: true });
      const res = await fetch(`${fake.url}/search/metadata`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": key ?? fake.addApiKey(admin) },
        body: JSON.stringify(body),
      });
      return {
        status: res.status,
        body: (await res.json()) as Record<string, unknown>,
        cid: [res.headers.get("x-immich-cid"), res.headers.get("x-correlation-id")],
      };
    };
    const v2 = await answer("v2.7.5", { size: 1001 });
    expect(v2.body).toEqual({ message: ["size must not be greater than 1000"], error: "Bad Request", statusCode: 400, correlationId: v2.cid[0] });
    expect(v2.cid[1]).toBeNull();
    const v3 = await answer("v3.1.0", { size: 1001, page: 0 });
    expect(v3).toMatchObject({ status: 400, body: { message: "Validation failed", errors: [{ path: ["page"] }, { path: ["size"] }] } });
    expect(Object.keys(v3.body)).toEqual(["message", "errors"]);
    expect(v3.cid).toEqual([null, expect.stringMatching(/^[0-9a-f]{8}$/)]);
    expect((await answer("v3.1.0", {}, "no-such-key")).body).toEqual({ message: "Invalid API key" });
  });

  it("scans real files: imports, honours exclusions and hidden files, marks missing ones offline", async () => {
    const admin = fake.addUser({ email: "admin@example.com", isAdmin: true });
    const key = fake.addApiKey(admin);
    file("2024/a.jpg");
    file("2024/RAW/b.jpg");
    file("2024/.hidden/c.jpg");
    file("2024/notes.txt");
    const gone = file("2024/d.MP4");
    const lib = await createLibrary({ createLibraryDto: { ownerId: admin.id, importPaths: [root], exclusionPatterns: ["**/raw/**"] } }, opts(key));
    expect((await validate({ id: lib.id, validateLibraryDto: { importPaths: [root, "/nope", "relative"] } }, opts(key))).importPaths).toEqual([
      { importPath: root, isValid: true },
      { importPath: "/nope", isValid: false, message: "Path does not exist (ENOENT)" },
      { importPath: "relative", isValid: false, message: "Import path must be absolute, try /relative" },
    ]);
    await scanned(key, lib.id);
    const paths = async (extra = {}) =>
      (await searchAssets({ metadataSearchDto: { libraryId: lib.id, ...extra } }, opts(key))).assets.items.map((a) => a.originalPath).sort();
    expect(await paths()).toEqual([join(root, "2024/a.jpg"), gone].sort());
    rmSync(gone);
    await scanned(key, lib.id);
    expect(await paths()).toEqual([join(root, "2024/a.jpg")]);
    expect(await paths({ isOffline: true, withDeleted: true })).toEqual([gone]);
    expect(fake.state.queues.library.completed).toBe(2);
  });

  it("shows queued scans in the queue counts until they finish", async () => {
    const admin = fake.addUser({ email: "admin@example.com", isAdmin: true });
    const key = fake.addApiKey(admin);
    const lib = await createLibrary({ createLibraryDto: { ownerId: admin.id, importPaths: [root] } }, opts(key));
    fake.jobs.pause();
    await scanLibrary({ id: lib.id }, opts(key));
    expect((await getQueuesLegacy(opts(key))).library.jobCounts.waiting).toBe(1);
    fake.jobs.resume();
    await fake.jobs.idle();
    const after = (await getQueuesLegacy(opts(key))).library;
    expect(after.jobCounts).toMatchObject({ waiting: 0, active: 0, completed: 1 });
  });

  it("v2 pages by timestamp only: equal timestamps can repeat or skip assets across pages", async () => {
    await fake.close();
    fake = await createFakeImmich({ version: "v2.7.5" });
    const admin = fake.addUser({ email: "admin@example.com", isAdmin: true });
    const key = fake.addApiKey(admin);
    for (let i = 0; i < 40; i++) file(`same/${i}.jpg`, 1_700_000_000);
    const lib = await createLibrary({ createLibraryDto: { ownerId: admin.id, importPaths: [root] } }, opts(key));
    await scanned(key, lib.id);
    let anomalies = 0;
    for (let round = 0; round < 5; round++) {
      const seen: string[] = [];
      for (let page: number | null = 1; page; ) {
        const r = await searchAssets({ metadataSearchDto: { size: 10, page } }, opts(key));
        seen.push(...r.assets.items.map((a) => a.id));
        page = r.assets.nextPage ? Number(r.assets.nextPage) : null;
      }
      expect(seen).toHaveLength(40);
      if (new Set(seen).size < 40) anomalies++;
    }
    expect(anomalies).toBeGreaterThan(0);
    expect((await searchAssetStatistics({ statisticsSearchDto: {} }, opts(key))).total).toBe(40);
  });

  it("v3 breaks ties by id and accepts PATCH for library updates", async () => {
    await fake.close();
    fake = await createFakeImmich({ version: "v3.1.0" });
    const admin = fake.addUser({ email: "admin@example.com", isAdmin: true });
    const key = fake.addApiKey(admin);
    for (let i = 0; i < 30; i++) file(`same/${i}.jpg`, 1_700_000_000);
    const lib = await createLibrary({ createLibraryDto: { ownerId: admin.id, importPaths: [root] } }, opts(key));
    await scanned(key, lib.id);
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++)
      seen.push(...(await searchAssets({ metadataSearchDto: { size: 10, page } }, opts(key))).assets.items.map((a) => a.id));
    expect(new Set(seen).size).toBe(30);
    const res = await fetch(`${fake.url}/libraries/${lib.id}`, {
      method: "PATCH",
      headers: { "x-api-key": key, "content-type": "application/json" },
      body: JSON.stringify({ name: "Renamed" }),
    });
    expect(res.status).toBe(200);
    expect((await getAllLibraries(opts(key)))[0]?.name).toBe("Renamed");
  });

  it("searches without a visibility return timeline assets on v2 and all but locked ones on v3", async () => {
    for (const version of ["v2.7.5", "v3.1.0"] as const) {
      await fake.close();
      fake = await createFakeImmich({ version });
      const admin = fake.addUser({ email: "admin@example.com", isAdmin: true });
      const key = fake.addApiKey(admin);
      for (const v of ["timeline", "archive", "hidden", "locked"]) file(`${version}/${v}.jpg`);
      const lib = await createLibrary({ createLibraryDto: { ownerId: admin.id, importPaths: [join(root, version)] } }, opts(key));
      await scanned(key, lib.id);
      const items = (await searchAssets({ metadataSearchDto: {} }, opts(key))).assets.items;
      for (const v of ["archive", "hidden", "locked"]) {
        const id = items.find((a) => a.originalFileName === `${v}.jpg`)!.id;
        await updateAssets({ assetBulkUpdateDto: { ids: [id], visibility: v as never } }, opts(key));
      }
      const names = async (dto: Record<string, unknown>) =>
        (await searchAssets({ metadataSearchDto: dto }, opts(key))).assets.items.map((a) => a.originalFileName).sort();
      expect(await names({})).toEqual(version === "v2.7.5" ? ["timeline.jpg"] : ["archive.jpg", "hidden.jpg", "timeline.jpg"]);
      expect(await names({ visibility: "archive" })).toEqual(["archive.jpg"]);
      const count = async (dto: Record<string, unknown>) => (await searchAssetStatistics({ statisticsSearchDto: dto }, opts(key))).total;
      expect(await count({})).toBe(version === "v2.7.5" ? 1 : 3);
      // Statistics have no paging, path or trash fields: the server drops them.
      expect(await count({ visibility: "locked", page: 5, size: 1, originalPath: "nowhere", withDeleted: true })).toBe(1);
      // An album counts (and on v2 lists) its timeline and archived assets only.
      const album = await createAlbum({ createAlbumDto: { albumName: "all four", assetIds: items.map((a) => a.id) } }, opts(key));
      expect(album.assetCount).toBe(2);
      const info = await getAlbumInfo({ id: album.id }, opts(key));
      expect([info.assetCount, (info as { assets?: unknown[] }).assets?.length ?? 0]).toEqual([2, version === "v2.7.5" ? 2 : 0]);
    }
  });

  it("an offline search looks at trashed assets too, as offline assets are", async () => {
    const admin = fake.addUser({ email: "admin@example.com", isAdmin: true });
    const key = fake.addApiKey(admin);
    const gone = file("gone.jpg");
    file("kept.jpg");
    const lib = await createLibrary({ createLibraryDto: { ownerId: admin.id, importPaths: [root] } }, opts(key));
    await scanned(key, lib.id);
    rmSync(gone);
    await scanned(key, lib.id);
    const offline = await searchAssets({ metadataSearchDto: { isOffline: true } }, opts(key));
    expect(offline.assets.items.map((a) => [a.originalPath, a.isTrashed])).toEqual([[gone, true]]);
    expect((await searchAssets({ metadataSearchDto: { isOffline: false } }, opts(key))).assets.items).toHaveLength(1);
  });

  it("checks import paths only for a key with the all permission", async () => {
    const admin = fake.addUser({ email: "admin@example.com", isAdmin: true });
    const full = fake.addApiKey(admin);
    const scoped = fake.addApiKey(admin, ["library.read", "library.create", "library.update"]);
    const lib = await createLibrary({ createLibraryDto: { ownerId: admin.id, importPaths: [root] } }, opts(scoped));
    expect(await failure(validate({ id: lib.id, validateLibraryDto: { importPaths: [root] } }, opts(scoped)))).toMatchObject({
      status: 403,
      data: { message: "Missing required permission: all" },
    });
    expect((await validate({ id: lib.id, validateLibraryDto: { importPaths: [root] } }, opts(full))).importPaths).toEqual([
      { importPath: root, isValid: true },
    ]);
  });

  it("rejects updates to import paths that do not exist", async () => {
    const admin = fake.addUser({ email: "admin@example.com", isAdmin: true });
    const key = fake.addApiKey(admin);
    const lib = await createLibrary({ createLibraryDto: { ownerId: admin.id, importPaths: [root] } }, opts(key));
    const err = await failure(updateLibrary({ id: lib.id, updateLibraryDto: { importPaths: ["/does/not/exist"] } }, opts(key)));
    expect(err.status).toBe(400);
    expect(String(err.data.message)).toContain("/does/not/exist");
  });

  it("lists every user only for admins or with publicUsers", async () => {
    const admin = fake.addUser({ email: "admin@example.com", isAdmin: true });
    const ann = fake.addUser({ email: "ann@example.com" });
    const annKey = fake.addApiKey(ann);
    expect(await searchUsers(opts(annKey))).toHaveLength(2);
    fake.state.publicUsers = false;
    expect((await searchUsers(opts(annKey))).map((u) => u.email)).toEqual(["ann@example.com"]);
    expect(await searchUsers(opts(fake.addApiKey(admin)))).toHaveLength(2);
  });

  it("injects faults by path and count and logs every request", async () => {
    fake.faults.add({ path: "/server/ping", kind: "status", status: 502, times: 1 });
    fake.faults.add({ path: "/server/version", kind: "rate-limit", retryAfterSeconds: 7, times: 1 });
    expect(await failure(pingServer(opts()))).toMatchObject({ status: 502 });
    expect(await pingServer(opts())).toEqual({ res: "pong" });
    const limited = await fetch(`${fake.url}/server/version`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    fake.faults.add({ path: "/server/ping", kind: "drop", times: 1 });
    await expect(pingServer(opts())).rejects.toThrow();
    fake.faults.add({ path: "/server/ping", kind: "hang", times: 1 });
    await expect(pingServer({ ...opts(), signal: AbortSignal.timeout(100) })).rejects.toThrow();
    expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      "GET /server/ping 502",
      "GET /server/ping 200",
      "GET /server/version 429",
      "GET /server/ping 0",
      "GET /server/ping 0",
    ]);
    expect(fake.writes()).toEqual([]);
  });
});
